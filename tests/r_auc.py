"""pROC on the bundled penguins data, for test_auc_tools.

Produced with R 4.2.2 (Debian 12's r-base-core) and pROC 1.18.0 (Debian's r-cran-proc), from the
repository root, by::

    suppressMessages(library(pROC))
    d <- read.csv("data/penguins.csv")
    used <- c("sex", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g",
              "species")
    d <- d[complete.cases(d[, used]), ]
    d$male <- as.integer(d$sex == "male")
    full <- glm(male ~ bill_length_mm + bill_depth_mm + flipper_length_mm + body_mass_g + species,
                data = d, family = binomial, control = glm.control(epsilon = 1e-14, maxit = 100))
    small <- glm(male ~ bill_length_mm + bill_depth_mm + species, data = d, family = binomial,
                 control = glm.control(epsilon = 1e-14, maxit = 100))
    # Probabilities from X b (glm's own fitted values come from its QR and break exact ties)
    p1 <- plogis(drop(model.matrix(full) %*% coef(full)))
    p2 <- plogis(drop(model.matrix(small) %*% coef(small)))
    r1 <- roc(d$male, p1, quiet = TRUE, direction = "<")
    r2 <- roc(d$male, p2, quiet = TRUE, direction = "<")
    t <- roc.test(r1, r2, method = "delong", paired = TRUE)
    cat(sprintf("%.17g", c(t$statistic, t$p.value, t$estimate, t$conf.int)), sep = "\n")
    set.seed(7); ci <- ci.auc(r2, method = "bootstrap", boot.n = 4000, progress = "none")
    cat(sprintf("%.17g", as.numeric(ci)), sep = "\n")
    cat(R.version.string, as.character(packageVersion("pROC")), "\n")

The probabilities are formed as X b (glm's own fitted values come from its QR factorisation and
can break exact ties at the last bit).
"""

#: roc.test(full, small, method = "delong", paired = TRUE): Z, p, AUC 1, AUC 2, CI of the
#: difference.
PROC_DELONG = {
    "z": 3.8150628724813003,
    "p_value": 0.00013614826474698529,
    "auc1": 0.97723665223665224,
    "auc2": 0.95331890331890334,
    "conf_low": 0.011630159423956286,
    "conf_high": 0.036205338411541721,
}

#: ci.auc(small, method = "bootstrap", boot.n = 4000) after set.seed(7): lower, the median of
#: the resampled AUCs, upper.
PROC_BOOTSTRAP = (0.92997835497835502, 0.95386002886002885, 0.97229527417027417)
