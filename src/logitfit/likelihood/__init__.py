"""The likelihoods: binomial-logit maximum likelihood and Firth's penalised likelihood.

Nothing is imported here, so that a module's package never loads its neighbours.
"""
