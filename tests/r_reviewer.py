r"""Reference values from R for the reviewer's checks (penguins model P and spector model S).

Produced on 2026-12-01 (the machine's Sys.Date()) with
R version 4.2.2 Patched (2022-11-10 r83330)
and rms 6.5.0, Hmisc 4.8.0, MASS 7.3.58.2, car 3.1.1 (Debian packages), by the R code
reproduced verbatim at the end of this docstring.

Data and models. Model P: data/penguins.csv, rows with an NA in sex or in any model variable
dropped (n = 333), outcome sex == "male" (1) vs "female" (0), formula
`sex ~ bill_length_mm + bill_depth_mm + flipper_length_mm + body_mass_g + species` with species
a factor in alphabetical level order (Adelie the reference). Model S: data/spector.csv (n = 32),
`GRADE ~ GPA + TUCE + PSI`. Every glm uses `glm.control(epsilon = 1e-15, maxit = 100)`.
lrm's `tol` is only its singularity tolerance, so the lrm fits also pass `eps = 1e-12,
maxit = 100` to lrm.fit (its convergence criterion is the change in -2 log L, default 0.025);
the tight lrm and glm coefficients of model P agree to 7.8e-13.

Conventions. Floats are R doubles printed with sprintf("%.17g") and written with Python's repr;
None is R's NA. Coefficient names are R's. AIC()/BIC() use n = rows used. Wald intervals are
exp(b -/+ qnorm(0.975) se) with se from vcov() of the tight fit; profile intervals are
exp(confint(fit)), which in R 4.2 is MASS:::confint.glm (a spline-interpolated profile, so it
can differ from an exact root-finding bound in the 5th-6th significant digit).

rms summary (PENGUINS_RMS_SUMMARY). `datadist()` takes "Low"/"High" as
`quantile(unclass(x), q.effect)` with q.effect = c(0.25, 0.75) and quantile()'s default
type = 7 (linear interpolation, h = (n - 1) p + 1); a variable with fewer than 4 distinct values
uses its range instead. The values equal quantile(x, c(.25, .75), type = 7) exactly here.
"log_or" and "log_or_se" are rms's Effect and S.E. (b * Diff. and its se); "or", "or_low",
"or_high" are its Odds Ratio row, exp(log_or -/+ qnorm(0.975) log_or_se) (Wald). The species
rows are the category contrasts against Adelie (Diff. is NA; Low/High are level codes).

Restricted cubic splines (PENGUINS_RCS_LINEARITY). `rcs(x, 4)` calls Hmisc::rcspline.eval(x,
nk = 4, inclx = TRUE, fractied = 0.05). Knots: quantile(x, seq(outer, 1 - outer,
length = nk)) with the default type 7, outer = 0.05 for 4 <= nk <= 6 (0.1 for nk = 3,
0.025 for nk >= 7), i.e. probabilities 0.05, 0.35, 0.65, 0.95 for nk = 4. Exceptions (none
applies here, n = 333 and the knots equal those quantiles exactly): with fewer than 100
non-missing values the outer knots are replaced by the 5th smallest and 5th largest value; with
nk + 2 or fewer distinct values the knots are the distinct values without the extremes; if the
smallest (largest) value holds >= 5 % of the data while no interior value does, the first (last)
knot is the second smallest (largest) value and the remaining knots are computed from the values
strictly inside. Basis (norm = 2): with knots t_1 < ... < t_k the columns are x and, for
j = 1, ..., k - 2, [(x - t_j)_+^3 - (x - t_(k-1))_+^3 (t_k - t_j)/(t_k - t_(k-1))
+ (x - t_k)_+^3 (t_(k-1) - t_j)/(t_k - t_(k-1))] / (t_k - t_1)^2 (rcspline.eval divides x - t
by kd = (t_k - t_1)^(2/3) before cubing). "lr_chi2" is -2 log L (linear) minus -2 log L
(spline), 2 df; "wald_nonlinear_*" is the " Nonlinear" row under x in anova(f_spline).

Stukel (HL&S 3rd ed. 5.2.3): neither z1 nor z2 is identically zero in either model, so both
are added (2 df). "score" is anova(fit, augmented, test = "Rao").

Osius-Rojek (HL&S 3rd ed. 5.2.2), on covariate patterns = unique rows of model.matrix(fit)
(matched exactly, via sprintf("%a")). In both models every row is its own pattern (J = n,
all m_j = 1), so A = 2 (J - sum 1/m_j) = 0. For model P the fitted probabilities reach
4.2e-6 and 1 - 3.9e-8, so c_j = (1 - 2 pi_j)/v_j reaches -2.5e7 and RSS (2.8e7) dominates the
denominator, leaving z near 0; the RSS is numerically stable (lm.wfit, SVD and a rescaled
design agree to 4e-16 relative; see the check at the end). n_coef is p, intercept included.

Association (ASSOCIATION): all pairs with different outcomes, exact comparisons of fitted()
by outer(); tau_a's denominator is N (N - 1)/2.

R code (/tmp/rref/ref.R), run as `Rscript /tmp/rref/ref.R` from the repository root:

## Run from /work/main:  Rscript /tmp/rref/ref.R > /tmp/rref/out.txt
suppressPackageStartupMessages({
  library(MASS)
  library(car)
  library(rms)
})
ctrl <- glm.control(epsilon = 1e-15, maxit = 100)
f17 <- function(x) sprintf("%.17g", x)
out <- function(key, x) cat(key, paste(f17(x), collapse = " "), "\n")

cat("R", R.version.string, "\n")
for (p in c("rms", "MASS", "car", "Hmisc")) cat("PKG", p, format(packageVersion(p)), "\n")
cat("DATE", format(Sys.Date()), "\n")

## ---- data ----
pen <- read.csv("data/penguins.csv")
vars <- c("sex", "bill_length_mm", "bill_depth_mm", "flipper_length_mm",
          "body_mass_g", "species")
pen <- pen[complete.cases(pen[, vars]), vars]
pen$sex <- as.integer(pen$sex == "male")
pen$species <- factor(pen$species, levels = sort(unique(pen$species)))
spe <- read.csv("data/spector.csv")
formP <- sex ~ bill_length_mm + bill_depth_mm + flipper_length_mm + body_mass_g + species
formS <- GRADE ~ GPA + TUCE + PSI

## ---- items 1-5 and 7, for one model ----
run_model <- function(tag, form, d) {
  yname <- all.vars(form)[1]
  fit <- glm(form, family = binomial, data = d, control = ctrl)
  null <- glm(update(form, . ~ 1), family = binomial, data = d, control = ctrl)
  stopifnot(fit$converged, null$converged)
  out(paste(tag, "N"), nobs(fit))
  out(paste(tag, "coef"), coef(fit))
  cat(tag, "coefnames", names(coef(fit)), "\n")
  ## 1. fit statistics
  for (m in list(list("null", null), list("full", fit))) {
    out(paste(tag, "FIT", m[[1]]),
        c(-2 * as.numeric(logLik(m[[2]])), AIC(m[[2]]), BIC(m[[2]])))
  }
  ## 2. global tests
  a <- anova(null, fit, test = "LRT")
  out(paste(tag, "LR"), c(a$Deviance[2], a$Df[2], a[["Pr(>Chi)"]][2]))
  r <- anova(null, fit, test = "Rao")
  out(paste(tag, "RAO"), c(r$Rao[2], r$Df[2], r[["Pr(>Chi)"]][2]))
  w <- car::linearHypothesis(fit, names(coef(fit))[-1], test = "Chisq")
  out(paste(tag, "WALD"), c(w$Chisq[2], w$Df[2], w[["Pr(>Chisq)"]][2]))
  ## 3. odds ratios
  b <- coef(fit)
  se <- sqrt(diag(vcov(fit)))
  z975 <- qnorm(0.975)
  pr <- confint(fit)  # MASS:::confint.glm (profile) in R 4.2
  for (j in names(b)) {
    out(paste(tag, "OR", j),
        c(exp(b[j]), exp(b[j] - z975 * se[j]), exp(b[j] + z975 * se[j]),
          exp(pr[j, 1]), exp(pr[j, 2])))
  }
  ## 4. Stukel
  eta <- predict(fit, type = "link")
  d$z1 <- 0.5 * eta^2 * (eta >= 0)
  d$z2 <- -0.5 * eta^2 * (eta < 0)
  cat(tag, "STUKEL_ZERO", all(d$z1 == 0), all(d$z2 == 0), "\n")
  zt <- c("z1", "z2")[c(any(d$z1 != 0), any(d$z2 != 0))]
  aug <- glm(update(form, as.formula(paste(". ~ . +", paste(zt, collapse = " + ")))),
             family = binomial, data = d, control = ctrl)
  stopifnot(aug$converged)
  out(paste(tag, "STUKEL_COEF"), coef(aug)[zt])
  sl <- anova(fit, aug, test = "LRT")
  out(paste(tag, "STUKEL_LR"), c(sl$Deviance[2], sl$Df[2], sl[["Pr(>Chi)"]][2]))
  sr <- anova(fit, aug, test = "Rao")
  out(paste(tag, "STUKEL_RAO"), c(sr$Rao[2], sr$Df[2], sr[["Pr(>Chi)"]][2]))
  ## 5. Osius-Rojek on covariate patterns (unique rows of the design matrix)
  X <- model.matrix(fit)
  y <- fit$y
  pi_hat <- fitted(fit)
  key <- apply(X, 1, function(r) paste(sprintf("%a", r), collapse = "|"))
  g <- match(key, unique(key))
  J <- max(g)
  m <- tabulate(g, J)
  yj <- as.vector(tapply(y, g, sum))
  pj <- as.vector(tapply(pi_hat, g, mean))
  Xj <- X[match(seq_len(J), g), , drop = FALSE]
  X2 <- sum((yj - m * pj)^2 / (m * pj * (1 - pj)))
  v <- m * pj * (1 - pj)
  cj <- (1 - 2 * pj) / v
  wls <- lm.wfit(Xj, cj, w = v)
  RSS <- sum(v * wls$residuals^2)
  A <- 2 * (J - sum(1 / m))
  pcoef <- ncol(X)
  zOR <- (X2 - (J - pcoef)) / sqrt(A + RSS)
  out(paste(tag, "OSIUS"), c(J, X2, A, RSS, zOR, 2 * pnorm(-abs(zOR)), pcoef))
  out(paste(tag, "OSIUS_maxdiff_pi_within_pattern"),
      max(abs(pi_hat - pj[g])))
  ## 7. association of predicted probabilities and observed responses
  p1 <- pi_hat[y == 1]
  p0 <- pi_hat[y == 0]
  nc <- sum(outer(p1, p0, ">"))
  nd <- sum(outer(p1, p0, "<"))
  nt <- sum(outer(p1, p0, "=="))
  tp <- length(p1) * length(p0)
  N <- length(y)
  out(paste(tag, "ASSOC"),
      c(tp, nc, nd, nt, (nc - nd) / tp, (nc - nd) / (nc + nd),
        (nc - nd) / (N * (N - 1) / 2), (nc + 0.5 * nt) / tp, N))
  invisible(fit)
}

fitP <- run_model("P", formP, pen)
fitS <- run_model("S", formS, spe)

## ---- item 3 (rms summary), model P ----
## lrm's tol is its singularity tolerance; eps (change in -2 log L, default 0.025) and
## maxit are passed through to lrm.fit to converge it tightly as well.
dd <- datadist(pen)
options(datadist = "dd")
fP <- lrm(formP, data = pen, tol = 1e-14, eps = 1e-12, maxit = 100)
stopifnot(!fP$fail)
out("P LRM_coef_maxabsdiff_vs_glm", max(abs(coef(fP) - coef(fitP))))
s <- summary(fP)
print(s)
rn <- rownames(s)
for (i in seq_along(rn)) {
  if (s[i, "Type"] == 1) {
    nm <- rn[i]
    orow <- s[i + 1, ]  # the "Odds Ratio" row that follows
    out(paste("P RMS", gsub(" ", "_", nm)),
        c(s[i, "Low"], s[i, "High"], s[i, "Diff."], s[i, "Effect"], s[i, "S.E."],
          orow["Effect"], orow["Lower 0.95"], orow["Upper 0.95"]))
  }
}
for (x in c("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g")) {
  out(paste("P QUARTILES_type7", x), quantile(pen[[x]], c(0.25, 0.75), type = 7))
}

## ---- item 6 (rcs linearity), model P ----
cont <- c("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g")
for (x in cont) {
  others <- setdiff(c(cont, "species"), x)
  fs <- as.formula(paste("sex ~ rcs(", x, ", 4) +", paste(others, collapse = " + ")))
  fl <- as.formula(paste("sex ~", x, "+", paste(others, collapse = " + ")))
  f_spl <- lrm(fs, data = pen, tol = 1e-14, eps = 1e-12, maxit = 100)
  f_lin <- lrm(fl, data = pen, tol = 1e-14, eps = 1e-12, maxit = 100)
  stopifnot(!f_spl$fail, !f_lin$fail)
  g_spl <- glm(fs, family = binomial, data = pen, control = ctrl)
  knots <- f_spl$Design$parms[[x]]
  stopifnot(isTRUE(all.equal(knots, attr(rcs(pen[[x]], 4), "parms"), tolerance = 0)))
  lr <- f_lin$deviance[2] - f_spl$deviance[2]
  av <- anova(f_spl)
  ix <- which(rownames(av) == x)
  stopifnot(trimws(rownames(av)[ix + 1]) == "Nonlinear")
  out(paste("P RCS", x, "knots"), knots)
  out(paste("P RCS", x, "knots_check_quantile_05_35_65_95"),
      quantile(pen[[x]], c(0.05, 0.35, 0.65, 0.95)))
  out(paste("P RCS", x),
      c(lr, 2, pchisq(lr, 2, lower.tail = FALSE),
        av[ix + 1, "Chi-Square"], av[ix + 1, "d.f."], av[ix + 1, "P"]))
  out(paste("P RCS", x, "glm_lr_check"), deviance(fitP) - deviance(g_spl))
}

Stability check of the Osius-Rojek RSS for model P (/tmp/rref/check_or.R), also run from
the repository root; it printed RSS by lm.wfit, by SVD, by lm.wfit on a centred and scaled
design, and sum(v c^2):  27950154.039916504 27950154.039916493 27950154.039916504
27984276.979135569

## Run from /work/main:  Rscript /tmp/rref/check_or.R
pen <- read.csv("data/penguins.csv")
vars <- c("sex", "bill_length_mm", "bill_depth_mm", "flipper_length_mm",
          "body_mass_g", "species")
pen <- pen[complete.cases(pen[, vars]), vars]
pen$sex <- as.integer(pen$sex == "male")
pen$species <- factor(pen$species)
fit <- glm(sex ~ bill_length_mm + bill_depth_mm + flipper_length_mm + body_mass_g + species,
           family = binomial, data = pen, control = glm.control(epsilon = 1e-15, maxit = 100))
p <- fitted(fit)
v <- p * (1 - p)
c <- (1 - 2 * p) / v
X <- model.matrix(fit)
print(range(p)); print(range(v)); print(range(c))
r1 <- sum(v * lm.wfit(X, c, w = v)$residuals^2)
sv <- svd(sqrt(v) * X)
yy <- sqrt(v) * c
r2 <- sum((yy - sv$u %*% crossprod(sv$u, yy))^2)
Xs <- cbind(1, scale(X[, -1]))  # centred and scaled design, same column space
r3 <- sum(v * lm.wfit(Xs, c, w = v)$residuals^2)
cat(sprintf("%.17g", c(r1, r2, r3, sum(v * c^2))), "\n")
"""

R_VERSION = "R version 4.2.2 Patched (2022-11-10 r83330)"

R_PACKAGES = {"rms": "6.5.0", "MASS": "7.3.58.2", "car": "3.1.1", "Hmisc": "4.8.0"}

R_RUN_DATE = "2026-12-01"

PENGUINS_N = 333

PENGUINS_COEFFICIENTS = {
    "(Intercept)": -79.02500787752712,
    "bill_length_mm": 0.6137816058207374,
    "bill_depth_mm": 1.6228606773639107,
    "flipper_length_mm": 0.020773708386832863,
    "body_mass_g": 0.0058652809862085094,
    "speciesChinstrap": -6.980329216756231,
    "speciesGentoo": -8.353894767517312,
}

PENGUINS_FIT_STATISTICS = {
    "intercept_only": {
        "-2logL": 461.60899486028904,
        "AIC": 463.60899486028904,
        "BIC": 467.4171373502695,
    },
    "full": {"-2logL": 127.10866709627794, "AIC": 141.10866709627794, "BIC": 167.76566452614105},
}

PENGUINS_GLOBAL_TESTS = {
    "lr": {"chi2": 334.5003277640111, "df": 6, "p": 3.273957716998507e-69},
    "score": {"chi2": 213.1495598208033, "df": 6, "p": 3.0032372273139697e-43},
    "wald": {"chi2": 63.60058700841325, "df": 6, "p": 8.32601055396779e-12},
}

PENGUINS_ODDS_RATIOS = {
    "(Intercept)": {
        "or": 4.784925126626316e-35,
        "wald_low": 2.3272316573887105e-45,
        "wald_high": 9.838087409445934e-25,
        "profile_low": 1.3862649174212885e-46,
        "profile_high": 8.946176655160415e-26,
    },
    "bill_length_mm": {
        "or": 1.847404361059547,
        "wald_low": 1.429039732888978,
        "wald_high": 2.388249112123869,
        "profile_low": 1.4578885525207474,
        "profile_high": 2.4448872676345315,
    },
    "bill_depth_mm": {
        "or": 5.067566273299167,
        "wald_low": 2.6415049694946626,
        "wald_high": 9.721817006156156,
        "profile_low": 2.767510357984666,
        "profile_high": 10.284733955568823,
    },
    "flipper_length_mm": {
        "or": 1.020990983797405,
        "wald_low": 0.9296275994630682,
        "wald_high": 1.1213335206459796,
        "profile_low": 0.9295291796166681,
        "profile_high": 1.1225005960720602,
    },
    "body_mass_g": {
        "or": 1.005882515425199,
        "wald_low": 1.0037489747443784,
        "wald_high": 1.008020591100277,
        "profile_low": 1.0039257121706806,
        "profile_high": 1.0082232781755684,
    },
    "speciesChinstrap": {
        "or": 0.0009299969822113859,
        "wald_low": 4.250015100445194e-05,
        "wald_high": 0.020350383857028802,
        "profile_low": 3.172021789555589e-05,
        "profile_high": 0.015926185386023393,
    },
    "speciesGentoo": {
        "or": 0.00023547759959667404,
        "wald_low": 1.6743071198197721e-06,
        "wald_high": 0.033117998039559414,
        "profile_low": 1.2223659033673567e-06,
        "profile_high": 0.025828160424858974,
    },
}

PENGUINS_STUKEL = {
    "z1_identically_zero": False,
    "z2_identically_zero": False,
    "coef_z1": -0.09852025743887717,
    "coef_z2": 0.1030828821938161,
    "lr": {"chi2": 2.487193209183559, "df": 2, "p": 0.2883452867642693},
    "score": {"chi2": 4.747550365239306, "df": 2, "p": 0.09312848477129365},
}

PENGUINS_OSIUS_ROJEK = {
    "J": 333,
    "X2": 494.4871857598222,
    "A": 0.0,
    "RSS": 27950154.039916504,
    "z": 0.03186946503918413,
    "p": 0.9745761496335367,
    "n_coef": 7,
}

PENGUINS_ASSOCIATION = {
    "pairs": 27720,
    "concordant": 27089,
    "discordant": 631,
    "tied": 0,
    "somers_d": 0.9544733044733045,
    "gamma": 0.9544733044733045,
    "tau_a": 0.47863526176779186,
    "c": 0.9772366522366522,
    "n": 333,
}

PENGUINS_RMS_SUMMARY = {
    "bill_length_mm": {
        "low": 39.5,
        "high": 48.6,
        "diff": 9.100000000000001,
        "log_or": 5.585412612968685,
        "log_or_se": 1.1922096718585242,
        "or": 266.5102256313567,
        "or_low": 25.757467732790573,
        "or_high": 2757.557579142564,
    },
    "bill_depth_mm": {
        "low": 15.6,
        "high": 18.7,
        "diff": 3.0999999999999996,
        "log_or": 5.030868099828139,
        "log_or_se": 1.0304713659892344,
        "or": 153.0658314592846,
        "or_low": 20.311380310382486,
        "or_high": 1153.4986004051102,
    },
    "flipper_length_mm": {
        "low": 190.0,
        "high": 213.0,
        "diff": 23.0,
        "log_or": 0.4777952928970671,
        "log_or_se": 1.1000880630355263,
        "or": 1.6125153562480787,
        "or_low": 0.18668404491881918,
        "or_high": 13.928377089036104,
    },
    "body_mass_g": {
        "low": 3550.0,
        "high": 4775.0,
        "diff": 1225.0,
        "log_or": 7.184969208105434,
        "log_or_se": 1.3270969717832786,
        "or": 1319.4486093286162,
        "or_low": 97.89612224620588,
        "or_high": 17783.591348805377,
    },
    "species - Chinstrap:Adelie": {
        "low": 1.0,
        "high": 2.0,
        "diff": None,
        "log_or": -6.980329216756178,
        "log_or_se": 1.57435225607184,
        "or": 0.0009299969822114354,
        "or_low": 4.2500150637162354e-05,
        "or_high": 0.020350384032900543,
    },
    "species - Gentoo:Adelie": {
        "low": 1.0,
        "high": 3.0,
        "diff": None,
        "log_or": -8.353894767517183,
        "log_or_se": 2.5236261595764873,
        "or": 0.00023547759959670456,
        "or_low": 1.6743070986346446e-06,
        "or_high": 0.03311799845861237,
    },
}

PENGUINS_RCS_LINEARITY = {
    "bill_length_mm": {
        "knots": [35.7, 41.1, 46.580000000000005, 52.0],
        "lr_chi2": 3.9300689805928215,
        "df": 2,
        "p": 0.14015105268110467,
        "wald_nonlinear_chi2": 4.142585797129418,
        "wald_nonlinear_df": 2,
        "wald_nonlinear_p": 0.12602274170878547,
    },
    "bill_depth_mm": {
        "knots": [13.9, 16.4, 18.2, 20.0],
        "lr_chi2": 2.6148071877245798,
        "df": 2,
        "p": 0.2705215290951155,
        "wald_nonlinear_chi2": 2.351310806455297,
        "wald_nonlinear_df": 2,
        "wald_nonlinear_p": 0.3086166450446052,
    },
    "flipper_length_mm": {
        "knots": [181.0, 193.0, 208.0, 225.0],
        "lr_chi2": 2.659755979624947,
        "df": 2,
        "p": 0.2645095321887202,
        "wald_nonlinear_chi2": 2.4328203328666422,
        "wald_nonlinear_df": 2,
        "wald_nonlinear_p": 0.2962918986670564,
    },
    "body_mass_g": {
        "knots": [3150.0, 3750.0, 4450.0, 5669.999999999998],
        "lr_chi2": 2.5463703112675233,
        "df": 2,
        "p": 0.2799385523936567,
        "wald_nonlinear_chi2": 2.121585982601092,
        "wald_nonlinear_df": 2,
        "wald_nonlinear_p": 0.34618118278945864,
    },
}

SPECTOR_N = 32

SPECTOR_COEFFICIENTS = {
    "(Intercept)": -13.021346858115685,
    "GPA": 2.826112594889321,
    "TUCE": 0.09515766131790933,
    "PSI": 2.378687655093352,
}

SPECTOR_FIT_STATISTICS = {
    "intercept_only": {
        "-2logL": 41.18345939323458,
        "AIC": 43.18345939323458,
        "BIC": 44.64919529603431,
    },
    "full": {"-2logL": 25.779268444262826, "AIC": 33.779268444262826, "BIC": 39.642212055461734},
}

SPECTOR_GLOBAL_TESTS = {
    "lr": {"chi2": 15.404190948971749, "df": 3, "p": 0.0015018786820605152},
    "score": {"chi2": 13.30879079837597, "df": 3, "p": 0.00401425870842215},
    "wald": {"chi2": 8.376256409640547, "df": 3, "p": 0.038843158410762996},
}

SPECTOR_ODDS_RATIOS = {
    "(Intercept)": {
        "or": 2.2125898336350685e-06,
        "wald_low": 1.4039451224628678e-10,
        "wald_high": 0.034869979556731136,
        "profile_low": 1.1738292318372209e-11,
        "profile_high": 0.0074290804729911794,
    },
    "GPA": {
        "or": 16.879714826987993,
        "wald_low": 1.420194128184631,
        "wald_high": 200.62382105793128,
        "profile_low": 1.8952798957710455,
        "profile_high": 316.4778206991645,
    },
    "TUCE": {
        "or": 1.0998322424583313,
        "wald_low": 0.833365061560179,
        "wald_high": 1.4515018895636431,
        "profile_low": 0.8434915247578042,
        "profile_high": 1.4993689721521428,
    },
    "PSI": {
        "or": 10.790732404989514,
        "wald_low": 1.3393441545170048,
        "wald_high": 86.93800278546136,
        "profile_low": 1.6138280332941854,
        "profile_high": 122.76357482954015,
    },
}

SPECTOR_STUKEL = {
    "z1_identically_zero": False,
    "z2_identically_zero": False,
    "coef_z1": -0.008528748611499121,
    "coef_z2": 0.14093207912758274,
    "lr": {"chi2": 0.06375734067779959, "df": 2, "p": 0.9686240977835008},
    "score": {"chi2": 0.06190554084545141, "df": 2, "p": 0.9695213620788091},
}

SPECTOR_OSIUS_ROJEK = {
    "J": 32,
    "X2": 27.257118804395258,
    "A": 0.0,
    "RSS": 66.10511296124004,
    "z": -0.09136962435953307,
    "p": 0.9271988970154994,
    "n_coef": 4,
}

SPECTOR_ASSOCIATION = {
    "pairs": 231,
    "concordant": 204,
    "discordant": 27,
    "tied": 0,
    "somers_d": 0.7662337662337663,
    "gamma": 0.7662337662337663,
    "tau_a": 0.35685483870967744,
    "c": 0.8831168831168831,
    "n": 32,
}
