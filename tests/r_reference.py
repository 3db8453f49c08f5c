"""Reference values computed in R, so that CI (which has no R) can compare against them.

Produced with R version 4.2.2 Patched (2022-11-10 r83330) (x86_64-pc-linux-gnu, Debian bookworm's
r-base-core 4.2.2.20221110-2) and the packages stats 4.2.2, MASS 7.3.58.2
(r-cran-mass 7.3-58.2-1) and car 3.1.1 (r-cran-car 3.1-1-1), each run with `Rscript` from
the repository root. As R is older than 4.4, `confint()` on a glm is MASS's profile method
(`MASS:::confint.glm`), which interpolates a profile computed on a grid: its bounds differ from
the exact ones by up to 4e-5 of the interval's width here. `confint_profile_exact` gives the same
intervals found by root finding (helper `profile_ci_exact` below); at each of its bounds the
deviance exceeds the minimum by qchisq(0.95, 1) to within 1.3e-11 (checked with statsmodels).

R's `glm` stops on a relative deviance change below 1e-8, and `summary()` takes the standard
errors from the weights of the last IRLS step, not the weights at the returned coefficients, so
its standard errors differ from those at the maximum by up to 1.7e-5 (relative) here. The keys
ending in `_tight` are the same quantities refitted with `glm.control(epsilon = 1e-15,
maxit = 100)`, i.e. at the maximum to machine precision.

ResourceSelection (`hoslem.test`) and logistf are not packaged in Debian bookworm (and CRAN
was out of reach), so no Hosmer-Lemeshow or Firth (logistf) reference values are given here.

Every float is an R double printed with `sprintf("%.17g")` and written here with Python's
`repr` (the same double). An R `NA` is `None`. Names (coefficients, terms, columns) are R's.
Interval values are `[lower, upper]` at 95 % (R's "2.5 %" and "97.5 %" columns). Data files are
in tests/data/ (see tests/data/README.md); `birthwt.csv` holds `MASS::birthwt` exactly
(only its row names dropped).
"""

R_VERSION = "R version 4.2.2 Patched (2022-11-10 r83330)"

R_PACKAGES = {
    "stats": "4.2.2",
    "MASS": "7.3.58.2",
    "car": "3.1.1",
}

# Helper used by the blocks that report `confint_profile_exact` (defined before them):
#   # Profile-likelihood interval by root finding (no spline interpolation, unlike MASS):
#   # each bound solves deviance(beta_j fixed) - deviance(MLE) = qchisq(level, 1).
#   profile_ci_exact <- function(fit, level = 0.95) {
#     X <- model.matrix(fit)
#     y <- fit$y
#     ctrl <- glm.control(epsilon = 1e-15, maxit = 100)
#     full <- glm.fit(X, y, family = binomial(), control = ctrl)
#     b <- full$coefficients
#     se <- summary(fit)$coefficients[, "Std. Error"]
#     cut <- qchisq(level, 1)
#     f <- function(v, j) {
#       glm.fit(X[, -j, drop = FALSE], y, offset = v * X[, j], family = binomial(),
#               control = ctrl)$deviance - full$deviance - cut
#     }
#     out <- t(vapply(seq_along(b), function(j) {
#       tol <- 1e-13 * max(1, abs(b[j]), se[j])
#       c(uniroot(f, b[j] - c(3, 0) * se[j], j = j, extendInt = "downX", tol = tol,
#                 maxiter = 1000)$root,
#         uniroot(f, b[j] + c(0, 3) * se[j], j = j, extendInt = "upX", tol = tol,
#                 maxiter = 1000)$root)
#     }, numeric(2)))
#     dimnames(out) <- list(names(b), c("2.5 %", "97.5 %"))
#     out
#   }

# R code:
#   library(MASS)  # R < 4.4: confint() on a glm is MASS's profile method
#   birthwt <- read.csv("tests/data/birthwt.csv")  # MASS::birthwt, row names aside
#   fit <- glm(low ~ age + lwt + factor(race) + smoke + ptl + ht + ui,
#              family = binomial, data = birthwt)
#   s <- summary(fit)
#   fit_tight <- update(fit, control = glm.control(epsilon = 1e-15, maxit = 100))
#   list(
#     coefficients = coef(fit),
#     std_errors = s$coefficients[, "Std. Error"],
#     z_values = s$coefficients[, "z value"],
#     p_values = s$coefficients[, "Pr(>|z|)"],
#     deviance = deviance(fit),
#     null_deviance = fit$null.deviance,
#     df_residual = fit$df.residual,
#     df_null = fit$df.null,
#     aic = AIC(fit),
#     loglik = as.numeric(logLik(fit)),
#     iterations = fit$iter,
#     confint_profile = confint(fit, level = 0.95),  # rows: [2.5 %, 97.5 %]
#     confint_wald = confint.default(fit, level = 0.95),
#     coefficients_tight = coef(fit_tight),
#     std_errors_tight = summary(fit_tight)$coefficients[, "Std. Error"],
#     deviance_tight = deviance(fit_tight),
#     confint_profile_exact = profile_ci_exact(fit, level = 0.95)
#   )
BIRTHWT_GLM = {
    "coefficients": {
        "(Intercept)": 0.4644032796025671,
        "age": -0.027069779178084112,
        "lwt": -0.015182562839075058,
        "factor(race)2": 1.2632193736747745,
        "factor(race)3": 0.8616351058383326,
        "smoke": 0.9233491556136013,
        "ptl": 0.5417551191026901,
        "ht": 1.8336956082021363,
        "ui": 0.7585965037908383,
    },
    "std_errors": {
        "(Intercept)": 1.204687134853811,
        "age": 0.03645210207566784,
        "lwt": 0.006927787344585431,
        "factor(race)2": 0.5264627323598362,
        "factor(race)3": 0.439191043239785,
        "smoke": 0.40085261362969105,
        "ptl": 0.3462644072719008,
        "ht": 0.6917645807679427,
        "ui": 0.4593889027348891,
    },
    "z_values": {
        "(Intercept)": 0.38549700263788617,
        "age": -0.7426122949478261,
        "lwt": -2.1915457394836655,
        "factor(race)2": 2.399446904840677,
        "factor(race)3": 1.9618685742821627,
        "smoke": 2.3034629792051056,
        "ptl": 1.5645706221179185,
        "ht": 2.650750933455586,
        "ui": 1.6513165626654687,
    },
    "p_values": {
        "(Intercept)": 0.6998692267606246,
        "age": 0.45771644261879424,
        "lwt": 0.02841232359040326,
        "factor(race)2": 0.016419860909742855,
        "factor(race)3": 0.04977778738342604,
        "smoke": 0.021252807797303104,
        "ptl": 0.1176836217674387,
        "ht": 0.008031304271797378,
        "ui": 0.09867395204829901,
    },
    "deviance": 201.4269512038122,
    "null_deviance": 234.67199619321852,
    "df_residual": 180.0,
    "df_null": 188.0,
    "aic": 219.4269512038122,
    "loglik": -100.7134756019061,
    "iterations": 4.0,
    "confint_profile": {
        "(Intercept)": [-1.8678832115421045, 2.8756746031664355],
        "age": [-0.10019228123199776, 0.043375711231988],
        "lwt": [-0.02957392187877808, -0.002258122962623981],
        "factor(race)2": [0.23412914925182426, 2.315118583133501],
        "factor(race)3": [0.01260676446483898, 1.744785178676293],
        "smoke": [0.14960184203086968, 1.7307738757464275],
        "ptl": [-0.1262886236565318, 1.246324415830597],
        "ht": [0.5122907431553232, 3.2778972243571665],
        "ui": [-0.15246233181349816, 1.662250843833963],
    },
    "confint_wald": {
        "(Intercept)": [-1.8967401173496494, 2.825546676554784],
        "age": [-0.09851458640717081, 0.04437502805100258],
        "lwt": [-0.028760776527014878, -0.0016043491511352394],
        "factor(race)2": [0.23137137904694627, 2.295067368302603],
        "factor(race)3": [0.0008364787557806341, 1.7224337329208845],
        "smoke": [0.1376924697906574, 1.7090058414365452],
        "ptl": [-0.13691064827834443, 1.2204208864837247],
        "ht": [0.4778619441165197, 3.1895292722877526],
        "ui": [-0.141789200466918, 1.6589822080485948],
    },
    "coefficients_tight": {
        "(Intercept)": 0.464403282650895,
        "age": -0.027069779298958513,
        "lwt": -0.015182562862581172,
        "factor(race)2": 1.2632193755484122,
        "factor(race)3": 0.8616351075343484,
        "smoke": 0.9233491572287835,
        "ptl": 0.5417551194890698,
        "ht": 1.833695609912978,
        "ui": 0.7585965042111498,
    },
    "std_errors_tight": {
        "(Intercept)": 1.204702109669985,
        "age": 0.036452614296829514,
        "lwt": 0.006927902393475062,
        "factor(race)2": 0.5264677413058085,
        "factor(race)3": 0.43919749202891983,
        "smoke": 0.40085831534154515,
        "ptl": 0.34626656235772896,
        "ht": 0.6917699881315005,
        "ui": 0.4593918211644061,
    },
    "deviance_tight": 201.4269512038122,
    "confint_profile_exact": {
        "(Intercept)": [-1.8678871529256649, 2.8755834276117076],
        "age": [-0.10018930777555132, 0.04337619638556315],
        "lwt": [-0.0295733468928736, -0.002257982756404186],
        "factor(race)2": [0.2341551426433756, 2.315070458579928],
        "factor(race)3": [0.012603431764250663, 1.7447460391560565],
        "smoke": [0.14959706992376653, 1.7307381411810747],
        "ptl": [-0.12627687435659996, 1.246300259823263],
        "ht": [0.5123188816482686, 3.2777824131093456],
        "ui": [-0.15242545607635086, 1.66222395090584],
    },
}

# R code:
#   birthwt <- read.csv("tests/data/birthwt.csv")
#   fit <- glm(low ~ age + lwt + factor(race) + smoke + ptl + ht + ui,
#              family = binomial, data = birthwt)
#   drop1(fit, test = "LRT")  # rows: term -> {Df, Deviance, AIC, LRT, Pr(>Chi)}; NA -> None
BIRTHWT_DROP1 = {
    "<none>": {
        "Df": None,
        "Deviance": 201.4269512038122,
        "AIC": 219.4269512038122,
        "LRT": None,
        "Pr(>Chi)": None,
    },
    "age": {
        "Df": 1.0,
        "Deviance": 201.98558719745435,
        "AIC": 217.98558719745435,
        "LRT": 0.5586359936421559,
        "Pr(>Chi)": 0.45481034405909837,
    },
    "lwt": {
        "Df": 1.0,
        "Deviance": 206.80767416612207,
        "AIC": 222.80767416612207,
        "LRT": 5.380722962309875,
        "Pr(>Chi)": 0.020360439079452942,
    },
    "factor(race)": {
        "Df": 2.0,
        "Deviance": 208.7710562186918,
        "AIC": 222.7710562186918,
        "LRT": 7.344105014879602,
        "Pr(>Chi)": 0.025424232929347552,
    },
    "smoke": {
        "Df": 1.0,
        "Deviance": 206.91561912509297,
        "AIC": 222.91561912509297,
        "LRT": 5.488667921280779,
        "Pr(>Chi)": 0.019140120651749016,
    },
    "ptl": {
        "Df": 1.0,
        "Deviance": 203.9480639467445,
        "AIC": 219.9480639467445,
        "LRT": 2.521112742932303,
        "Pr(>Chi)": 0.11233129348031114,
    },
    "ht": {
        "Df": 1.0,
        "Deviance": 208.81127924275802,
        "AIC": 224.81127924275802,
        "LRT": 7.384328038945824,
        "Pr(>Chi)": 0.006579464696642419,
    },
    "ui": {
        "Df": 1.0,
        "Deviance": 204.1064599464914,
        "AIC": 220.1064599464914,
        "LRT": 2.679508742679218,
        "Pr(>Chi)": 0.10164708067817188,
    },
}

# R code:
#   birthwt <- read.csv("tests/data/birthwt.csv")
#   fit <- glm(low ~ age + lwt + factor(race) + smoke + ptl + ht + ui,
#              family = binomial, data = birthwt)
#   car::Anova(fit, type = "II", test.statistic = "LR")  # rows: term -> {LR Chisq, Df, Pr(>Chisq)}
BIRTHWT_ANOVA_II = {
    "age": {
        "LR Chisq": 0.5586359936421559,
        "Df": 1.0,
        "Pr(>Chisq)": 0.45481034405909837,
    },
    "lwt": {
        "LR Chisq": 5.380722962309875,
        "Df": 1.0,
        "Pr(>Chisq)": 0.020360439079452942,
    },
    "factor(race)": {
        "LR Chisq": 7.344105014879602,
        "Df": 2.0,
        "Pr(>Chisq)": 0.025424232929347552,
    },
    "smoke": {
        "LR Chisq": 5.488667921280779,
        "Df": 1.0,
        "Pr(>Chisq)": 0.019140120651749016,
    },
    "ptl": {
        "LR Chisq": 2.521112742932303,
        "Df": 1.0,
        "Pr(>Chisq)": 0.11233129348031114,
    },
    "ht": {
        "LR Chisq": 7.384328038945824,
        "Df": 1.0,
        "Pr(>Chisq)": 0.006579464696642419,
    },
    "ui": {
        "LR Chisq": 2.679508742679218,
        "Df": 1.0,
        "Pr(>Chisq)": 0.10164708067817188,
    },
}

# R code:
#   birthwt <- read.csv("tests/data/birthwt.csv")
#   fit2 <- glm(low ~ age * smoke + lwt + factor(race), family = binomial, data = birthwt)
#   drop1(fit2, test = "LRT")  # marginality: lists lwt, factor(race), age:smoke, not age or smoke
BIRTHWT_INTERACTION_DROP1 = {
    "<none>": {
        "Df": None,
        "Deviance": 214.24709348512246,
        "AIC": 228.24709348512246,
        "LRT": None,
        "Pr(>Chi)": None,
    },
    "lwt": {
        "Df": 1.0,
        "Deviance": 218.49661898637288,
        "AIC": 230.49661898637288,
        "LRT": 4.249525501250417,
        "Pr(>Chi)": 0.03926129874800444,
    },
    "factor(race)": {
        "Df": 2.0,
        "Deviance": 221.63193868469708,
        "AIC": 231.63193868469708,
        "LRT": 7.384845199574613,
        "Pr(>Chi)": 0.024911578096511285,
    },
    "age:smoke": {
        "Df": 1.0,
        "Deviance": 214.57723453407363,
        "AIC": 226.57723453407363,
        "LRT": 0.3301410489511625,
        "Pr(>Chi)": 0.5655760451458127,
    },
}

# R code:
#   birthwt <- read.csv("tests/data/birthwt.csv")
#   fit2 <- glm(low ~ age * smoke + lwt + factor(race), family = binomial, data = birthwt)
#   car::Anova(fit2, type = "II", test.statistic = "LR")  # age, smoke, lwt, factor(race), age:smoke
BIRTHWT_INTERACTION_ANOVA_II = {
    "age": {
        "LR Chisq": 0.43742290334074596,
        "Df": 1.0,
        "Pr(>Chisq)": 0.5083689400317634,
    },
    "smoke": {
        "LR Chisq": 8.083402921057626,
        "Df": 1.0,
        "Pr(>Chisq)": 0.004467248201553159,
    },
    "lwt": {
        "LR Chisq": 4.249525501250417,
        "Df": 1.0,
        "Pr(>Chisq)": 0.03926129874800444,
    },
    "factor(race)": {
        "LR Chisq": 7.384845199574613,
        "Df": 2.0,
        "Pr(>Chisq)": 0.024911578096511285,
    },
    "age:smoke": {
        "LR Chisq": 0.3301410489511625,
        "Df": 1.0,
        "Pr(>Chisq)": 0.5655760451458127,
    },
}

# R code:
#   library(MASS)
#   collinear <- read.csv("tests/data/collinear.csv")  # g read as character, a factor in the fit
#   fitc <- glm(y ~ x1 + x2 + x3 + x4 + x5 + x6 + g, family = binomial, data = collinear)
#   s <- summary(fitc)
#   X <- model.matrix(fitc)
#   mu <- fitted(fitc)
#   fitc_tight <- update(fitc, control = glm.control(epsilon = 1e-15, maxit = 100))
#   list(
#     coefficients = coef(fitc),
#     std_errors = s$coefficients[, "Std. Error"],
#     deviance = deviance(fitc),
#     null_deviance = fitc$null.deviance,
#     aic = AIC(fitc),
#     loglik = as.numeric(logLik(fitc)),
#     iterations = fitc$iter,
#     confint_profile = confint(fitc, level = 0.95),  # MASS profile method; rows: [2.5 %, 97.5 %]
#     confint_wald = confint.default(fitc, level = 0.95),
#     kappa_qr_r_squared = kappa(qr.R(fitc$qr), exact = TRUE)^2,  # weights of the last IRLS step
#     kappa_xtwx = kappa(crossprod(X, X * (mu * (1 - mu))), exact = TRUE),  # W at fitted mu
#     coefficients_tight = coef(fitc_tight),
#     std_errors_tight = summary(fitc_tight)$coefficients[, "Std. Error"],
#     deviance_tight = deviance(fitc_tight),
#     confint_profile_exact = profile_ci_exact(fitc, level = 0.95)
#   )
COLLINEAR_GLM = {
    "coefficients": {
        "(Intercept)": -0.21669647498509811,
        "x1": 306.5729156711538,
        "x2": 305.1590156757787,
        "x3": 306.0582599374627,
        "x4": -305.1210787043721,
        "x5": 0.4393817453687014,
        "x6": -0.4183723593641761,
        "gb": 0.562766398111069,
        "gc": -0.5398140588207375,
    },
    "std_errors": {
        "(Intercept)": 0.17722977511376173,
        "x1": 527.8397539837754,
        "x2": 527.8411668866071,
        "x3": 527.8407567594365,
        "x4": 527.8416374289237,
        "x5": 0.11222364468239061,
        "x6": 0.10780226813138112,
        "gb": 0.2534533701837442,
        "gc": 0.25303810488865736,
    },
    "deviance": 581.1136253820423,
    "null_deviance": 852.3493330288386,
    "aic": 599.1136253820423,
    "loglik": -290.55681269102115,
    "iterations": 5.0,
    "confint_profile": {
        "(Intercept)": [-0.5663526667524801, 0.12972162530014456],
        "x1": [-726.9717897410447, 1346.7256532916165],
        "x2": [-728.4004536192864, 1345.3023423339214],
        "x3": [-727.4926716338914, 1346.2092205158533],
        "x4": [-1345.2655230597736, 728.4395405221593],
        "x5": [0.22277035012818422, 0.6635853305987478],
        "x6": [-0.6334705783997471, -0.21009943380944804],
        "gb": [0.06893164295541171, 1.0640769109600068],
        "gc": [-1.0397227925623296, -0.04633211302270995],
    },
    "confint_wald": {
        "(Intercept)": [-0.5640604511962042, 0.13066750122600798],
        "x1": [-727.9739917455281, 1341.1198230878358],
        "x2": [-729.3906609795672, 1339.7086923311244],
        "x3": [-728.4906128833998, 1340.6071327583252],
        "x4": [-1339.6716776057117, 729.4295201969674],
        "x5": [0.21942744357739588, 0.6593360471600069],
        "x6": [-0.6296609223534131, -0.20708379637493912],
        "gb": [0.06600692079063247, 1.0595258754315056],
        "gc": [-1.0357596311187744, -0.043868486522700645],
    },
    "kappa_qr_r_squared": 317678421.70432293,
    "kappa_xtwx": 317678326.0221398,
    "coefficients_tight": {
        "(Intercept)": -0.21669647498553246,
        "x1": 306.57291566735887,
        "x2": 305.1590156719815,
        "x3": 306.05825993366676,
        "x4": -305.1210787005748,
        "x5": 0.4393817453690874,
        "x6": -0.41837235936457795,
        "gb": 0.5627663981121275,
        "gc": -0.5398140588209122,
    },
    "std_errors_tight": {
        "(Intercept)": 0.17722984074748163,
        "x1": 527.8399575728971,
        "x2": 527.841370473479,
        "x3": 527.84096034021,
        "x4": 527.8418410106063,
        "x5": 0.11222368835258821,
        "x6": 0.10780231143677799,
        "gb": 0.2534534705351491,
        "gc": 0.2530381932824189,
    },
    "deviance_tight": 581.1136253820428,
    "confint_profile_exact": {
        "(Intercept)": [-0.5663470489145844, 0.12972100064397551],
        "x1": [-726.9663659430908, 1346.709884069528],
        "x2": [-728.3950119464029, 1345.286592173056],
        "x3": [-727.4872407079832, 1346.1934562996826],
        "x4": [-1345.2497719476385, 728.4340979724086],
        "x5": [0.22276646349411242, 0.6635783153121011],
        "x6": [-0.6334641618815212, -0.21009586853520582],
        "gb": [0.06892947555717086, 1.0640673917639787],
        "gc": [-1.0397143421282589, -0.04633051194341586],
    },
}
