r"""Reference values from R's survey package, so that CI (which has
no R) can compare against them.

Produced on 2026-12-01 with R version 4.2.2 Patched (2022-11-10 r83330)
(Debian bookworm's r-base-core) and the survey package 4.1.1 (Debian's r-cran-survey
4.1-1), by the R script below, run with `Rscript` from the repository root.
It also writes data/api_strat.csv, data/api_clus1.csv and data/api_clus2.csv (see
data/README.md) and checks that the fits from those CSVs give bit for bit the numbers
below, which come from the R objects.

Every fit is `svyglm(y ~ ell + meals + mobility, design, family = quasibinomial(),
control = glm.control(epsilon = 1e-14, maxit = 100))` with `y = (sch.wide == "Yes")`.
Per design: `coef`, `vcov` (rows and columns in the order of `names`), and from
`summary(fit)` the `std_errors`, `t` and `p` (t on `df_residual` = `fit$df.residual`
degrees of freedom) and `dispersion`; `degf` is `degf(design)`; `regterm_*` are
`regTermTest(fit, ~meals)` and `regTermTest(fit, ~ell + mobility)` (Wald): `F` is
`$Ftest`, `df` the numerator and `ddf` the denominator degrees of freedom, `p` is `$p`.
`warnings` and `design_warnings` list the warnings R gave (empty: none). Floats are R
doubles printed with `sprintf("%.17g")`. The `lonely_*` keys are one design (strata `st`,
one of its two strata holding a single PSU) under `options(survey.lonely.psu = ...)`;
in this one-stage design "certainty" and "remove" give the same variances. Under the
default ("fail") `svyglm` stops with `LONELY_FAIL_MESSAGE`.

R code::

    # Reference values from R's survey package: svyglm(quasibinomial) on the api data.
    # Run from the repository root: Rscript r_survey.R
    # Writes data/api_strat.csv, data/api_clus1.csv, data/api_clus2.csv and tests/r_survey.py
    # (the latter then formatted with `python3 -m ruff format tests/r_survey.py`).
    suppressPackageStartupMessages(library(survey))
    options(useFancyQuotes = FALSE, warn = 1)
    script <- readLines(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)))
    data(api)

    # Artificial strata for the lonely-PSU design: stratum "A" holds the single district
    # min(dnum), stratum "B" all the other districts.
    apiclus1$st <- ifelse(apiclus1$dnum == min(apiclus1$dnum), "A", "B")

    # ---- 1. CSV export --------------------------------------------------------------------------
    # Doubles are written with the fewest significant digits (15 to 17) that read back as the same
    # double (write.csv's own 15 digits do not: pw is stored as single-precision values such as
    # 44.209999084472656), so the CSVs hold R's data exactly.
    shortest <- function(x) {
      vapply(x, function(v) {
        for (k in 15:17) {
          s <- sprintf("%.*g", k, v)
          if (as.numeric(s) == v) break
        }
        s
      }, "")
    }
    export <- function(d, cols, path) {
      out <- d[cols]
      names(out)[names(out) == "sch.wide"] <- "sch_wide"
      for (v in names(out)) {
        if (is.factor(out[[v]])) out[[v]] <- as.character(out[[v]])
        if (is.double(out[[v]])) out[[v]] <- shortest(out[[v]])
      }
      strings <- which(names(out) %in% c("stype", "sch_wide", "st"))
      write.csv(out, path, row.names = FALSE, quote = strings)
      back <- read.csv(path)
      for (v in cols) {
        w <- if (v == "sch.wide") "sch_wide" else v
        a <- d[[v]]
        if (is.factor(a)) a <- as.character(a)
        if (!identical(as.vector(a), as.vector(back[[w]])) &&
            !(is.numeric(a) && identical(as.numeric(a), as.numeric(back[[w]])))) {
          stop("column ", v, " of ", path, " does not read back exactly")
        }
      }
      invisible(back)
    }
    base_cols <- c("snum", "dnum", "stype", "sch.wide", "ell", "meals", "mobility", "pw")
    export(apistrat, c(base_cols, "fpc"), "data/api_strat.csv")
    export(apiclus1, c(base_cols, "fpc", "st"), "data/api_clus1.csv")
    export(apiclus2, c(base_cols, "fpc1", "fpc2"), "data/api_clus2.csv")

    # ---- 2. Designs and fits --------------------------------------------------------------------
    formula <- y ~ ell + meals + mobility
    ctrl <- glm.control(epsilon = 1e-14, maxit = 100)

    # Evaluate expr, collecting its warnings (muffled) and turning an error into a record.
    run <- function(expr) {
      warns <- character()
      value <- withCallingHandlers(
        tryCatch(expr, error = function(e) structure(list(message = conditionMessage(e)),
                                                     class = "r_error")),
        warning = function(w) {
          warns <<- c(warns, conditionMessage(w))
          invokeRestart("muffleWarning")
        })
      list(value = value, warnings = warns)
    }
    failed <- function(r) inherits(r$value, "r_error")

    make_designs <- function(apistrat, apiclus1, apiclus2) {
      apistrat$y <- apistrat$sch.wide == "Yes"
      apiclus1$y <- apiclus1$sch.wide == "Yes"
      apiclus2$y <- apiclus2$sch.wide == "Yes"
      calls <- list(
        strat_fpc = quote(svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc,
                                    data = apistrat)),
        strat_nofpc = quote(svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat)),
        clus1_fpc = quote(svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)),
        clus1_nofpc = quote(svydesign(id = ~dnum, weights = ~pw, data = apiclus1)),
        clus2_fpc = quote(svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, weights = ~pw,
                                    data = apiclus2)),
        weights_only = quote(svydesign(id = ~1, weights = ~pw, data = apistrat)),
        lonely = quote(svydesign(id = ~dnum, strata = ~st, weights = ~pw, data = apiclus1))
      )
      env <- environment()
      lapply(calls, function(cl) list(call = cl, design = run(eval(cl, env))))
    }

    fit_design <- function(design) {
      run(svyglm(formula, design, family = quasibinomial(), control = ctrl))
    }

    reference <- function(d, fit) {
      out <- list(design = paste(deparse(d$call, width.cutoff = 500), collapse = " "),
                  design_warnings = d$design$warnings)
      if (failed(fit)) return(c(out, list(error = fit$value$message, warnings = fit$warnings)))
      f <- fit$value
      s <- run(summary(f))
      rt1 <- run(regTermTest(f, ~meals))
      rt2 <- run(regTermTest(f, ~ell + mobility))
      v <- vcov(f)
      cf <- s$value$coefficients
      nm <- names(coef(f))
      rt <- function(r) {
        if (failed(r)) return(list(error = r$value$message, warnings = r$warnings))
        c(list(F = as.vector(r$value$Ftest), df = r$value$df, ddf = r$value$ddf,
               p = as.vector(r$value$p)),
          if (length(r$warnings)) list(warnings = r$warnings))
      }
      c(out, list(
        n = nrow(model.matrix(f)),
        names = nm,
        coef = as.list(coef(f)),
        vcov = lapply(seq_len(nrow(v)), function(i) unname(v[i, ])),
        std_errors = as.list(setNames(cf[, "Std. Error"], nm)),
        t = as.list(setNames(cf[, "t value"], nm)),
        p = as.list(setNames(cf[, "Pr(>|t|)"], nm)),
        dispersion = as.vector(s$value$dispersion),
        df_residual = f$df.residual,
        degf = degf(d$design$value),
        converged = f$converged,
        iterations = f$iter,
        warnings = c(fit$warnings, s$warnings),
        regterm_meals = rt(rt1),
        regterm_ell_mobility = rt(rt2)
      ))
    }

    fit_all <- function(designs) {
      res <- list()
      for (k in setdiff(names(designs), "lonely")) {
        res[[k]] <- reference(designs[[k]], fit_design(designs[[k]]$design$value))
      }
      for (opt in c("certainty", "adjust", "average", "remove")) {
        old <- options(survey.lonely.psu = opt)
        r <- reference(designs$lonely, fit_design(designs$lonely$design$value))
        options(old)
        res[[paste0("lonely_", opt)]] <- c(r, list(lonely_psu = opt))
      }
      res
    }

    designs <- make_designs(apistrat, apiclus1, apiclus2)
    for (k in names(designs)) if (failed(designs[[k]]$design)) stop("design ", k, " failed")
    results <- fit_all(designs)
    stopifnot(identical(results$lonely_certainty$vcov, results$lonely_remove$vcov))

    # Under the default survey.lonely.psu (set to "fail" when survey is loaded) svyglm must stop.
    stopifnot(identical(getOption("survey.lonely.psu"), "fail"))
    fail_default <- fit_design(designs$lonely$design$value)
    stopifnot(failed(fail_default))
    lonely_fail <- fail_default$value$message

    # PSUs per stratum of the lonely design.
    lonely_psus <- as.list(tapply(apiclus1$dnum, apiclus1$st, function(x) length(unique(x))))

    # D5: the weights given (pw) against those implied by the two stages' fpc alone.
    d5_probs <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)
    d5_weight_diff <- max(abs(weights(d5_probs) - apiclus2$pw) / apiclus2$pw)

    # The same fits from the CSVs (read back with read.csv) must give the same numbers.
    csv_designs <- make_designs(
      transform(read.csv("data/api_strat.csv"), sch.wide = sch_wide),
      transform(read.csv("data/api_clus1.csv"), sch.wide = sch_wide),
      transform(read.csv("data/api_clus2.csv"), sch.wide = sch_wide))
    csv_results <- fit_all(csv_designs)
    csv_diff <- 0
    for (k in names(results)) {
      a <- results[[k]]
      b <- csv_results[[k]]
      num <- function(r) unlist(r[c("coef", "vcov", "std_errors", "t", "p", "regterm_meals",
                                   "regterm_ell_mobility")])
      x <- num(a)
      z <- num(b)
      stopifnot(identical(names(x), names(z)))
      csv_diff <- max(csv_diff, abs(as.numeric(x) - as.numeric(z)) / pmax(abs(as.numeric(x)),
                                                                      1e-300))
    }
    cat("max relative difference, R objects vs CSVs:", format(csv_diff), "\n")
    stopifnot(csv_diff == 0)

    # ---- 3. Python module -----------------------------------------------------------------------
    py_float <- function(x) {
      if (is.na(x)) return("None")
      if (is.infinite(x)) return(if (x > 0) "float('inf')" else "-float('inf')")
      s <- sprintf("%.17g", x)
      if (!grepl("[.eEn]", s)) s <- paste0(s, ".0")
      s
    }
    py_int_names <- c("df_residual", "degf", "df", "ddf", "n", "iterations")
    py <- function(x, key = "") {
      if (is.null(x)) return("None")
      if (is.list(x) && !is.null(names(x))) {
        items <- vapply(names(x), function(k) paste0(encodeString(k, quote = '"'), ": ",
                                                     py(x[[k]], k)), "")
        return(paste0("{", paste(items, collapse = ", "), "}"))
      }
      if (is.list(x)) return(paste0("[", paste(vapply(x, py, ""), collapse = ", "), "]"))
      if (key %in% c("warnings", "design_warnings", "names")) {
        return(paste0("[", paste(vapply(x, py, ""), collapse = ", "), "]"))
      }
      if (length(x) != 1) {
        return(paste0("[", paste(vapply(as.list(x), py, ""), collapse = ", "), "]"))
      }
      if (is.character(x) && nchar(x) > 70) {
        # A long string as two implicitly concatenated literals, split after a comma.
        cut <- max(gregexpr(", ", substr(x, 1, 60), fixed = TRUE)[[1]]) + 1
        return(paste0("(", encodeString(substr(x, 1, cut), quote = '"'), " ",
                      encodeString(substring(x, cut + 1), quote = '"'), ")"))
      }
      if (is.character(x)) return(encodeString(x, quote = '"'))
      if (is.logical(x)) return(if (is.na(x)) "None" else if (x) "True" else "False")
      if (is.integer(x)) return(sprintf("%d", x))
      if (key %in% py_int_names && x == round(x)) return(sprintf("%d", as.integer(x)))
      py_float(x)
    }

    r_version <- R.version.string
    survey_version <- as.character(packageVersion("survey"))
    survey_deb <- packageDescription("survey")$Version
    run_date <- as.character(Sys.Date())
    quote_prefix <- if (any(grepl("\\", script, fixed = TRUE))) "r" else ""
    q3 <- strrep('"', 3)
    header <- c(
      paste0(quote_prefix, q3, "Reference values from R's survey package, so that CI (which has"),
      "no R) can compare against them.",
      "",
      paste0("Produced on ", run_date, " with ", r_version),
      paste0("(Debian bookworm's r-base-core) and the survey package ", survey_version,
             " (Debian's r-cran-survey"),
      paste0(survey_deb, "), by the R script below, run with `Rscript` from the repository root."),
      "It also writes data/api_strat.csv, data/api_clus1.csv and data/api_clus2.csv (see",
      "data/README.md) and checks that the fits from those CSVs give bit for bit the numbers",
      "below, which come from the R objects.",
      "",
      "Every fit is `svyglm(y ~ ell + meals + mobility, design, family = quasibinomial(),",
      'control = glm.control(epsilon = 1e-14, maxit = 100))` with `y = (sch.wide == "Yes")`.',
      "Per design: `coef`, `vcov` (rows and columns in the order of `names`), and from",
      "`summary(fit)` the `std_errors`, `t` and `p` (t on `df_residual` = `fit$df.residual`",
      "degrees of freedom) and `dispersion`; `degf` is `degf(design)`; `regterm_*` are",
      "`regTermTest(fit, ~meals)` and `regTermTest(fit, ~ell + mobility)` (Wald): `F` is",
      "`$Ftest`, `df` the numerator and `ddf` the denominator degrees of freedom, `p` is `$p`.",
      "`warnings` and `design_warnings` list the warnings R gave (empty: none). Floats are R",
      'doubles printed with `sprintf("%.17g")`. The `lonely_*` keys are one design (strata `st`,',
      "one of its two strata holding a single PSU) under `options(survey.lonely.psu = ...)`;",
      'in this one-stage design "certainty" and "remove" give the same variances. Under the',
      'default ("fail") `svyglm` stops with `LONELY_FAIL_MESSAGE`.',
      "",
      "R code::",
      "",
      paste0("    ", script),
      q3,
      "",
      paste0("R_VERSION = ", py(r_version)),
      "",
      paste0('R_PACKAGES = {"survey": ', py(survey_version), "}"),
      "",
      paste0("R_RUN_DATE = ", py(run_date)),
      "",
      "# Districts (PSUs) per stratum `st` of the lonely-PSU design.",
      paste0("LONELY_PSUS_PER_STRATUM = ", py(lonely_psus)),
      "",
      paste0("LONELY_FAIL_MESSAGE = ", py(lonely_fail)),
      "",
      "# Largest relative difference between apiclus2$pw and the weights svydesign derives from",
      "# fpc1 and fpc2 alone (no weights argument); svydesign uses the pw given.",
      paste0("CLUS2_FPC_WEIGHT_MAX_RELDIFF = ", py_float(d5_weight_diff)),
      "",
      paste0("DESIGNS = ", py(results))
    )
    header <- sub("[ ]+$", "", header)
    writeLines(header, "tests/r_survey.py")
    cat("wrote tests/r_survey.py\n")
"""

R_VERSION = "R version 4.2.2 Patched (2022-11-10 r83330)"

R_PACKAGES = {"survey": "4.1.1"}

R_RUN_DATE = "2026-12-01"

# Districts (PSUs) per stratum `st` of the lonely-PSU design.
LONELY_PSUS_PER_STRATUM = {"A": 1, "B": 14}

LONELY_FAIL_MESSAGE = "Stratum (A) has only one PSU at stage 1"

# Largest relative difference between apiclus2$pw and the weights svydesign derives from
# fpc1 and fpc2 alone (no weights argument); svydesign uses the pw given.
CLUS2_FPC_WEIGHT_MAX_RELDIFF = 2.0858439329520042e-16

DESIGNS = {
    "strat_fpc": {
        "design": (
            "svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)"
        ),
        "design_warnings": [],
        "n": 200,
        "names": ["(Intercept)", "ell", "meals", "mobility"],
        "coef": {
            "(Intercept)": 0.83583652484548732,
            "ell": -0.0024896357492620665,
            "meals": -0.0031523651122899415,
            "mobility": 0.060896778727527773,
        },
        "vcov": [
            [
                0.20759038479768047,
                -0.00029274002802446122,
                -0.00033590725031422175,
                -0.01059963653068028,
            ],
            [
                -0.00029274002802446122,
                0.00017562902711505167,
                -8.9538068248352562e-05,
                3.4630519821263032e-05,
            ],
            [
                -0.00033590725031422175,
                -8.9538068248352562e-05,
                8.4629946701168595e-05,
                -0.00010915473967094166,
            ],
            [
                -0.01059963653068028,
                3.4630519821263032e-05,
                -0.00010915473967094166,
                0.0010198172041157531,
            ],
        ],
        "std_errors": {
            "(Intercept)": 0.45562087836015641,
            "ell": 0.013252510219390577,
            "meals": 0.009199453608838332,
            "mobility": 0.03193457693653938,
        },
        "t": {
            "(Intercept)": 1.8345000515643191,
            "ell": -0.18786144723128187,
            "meals": -0.34266873298445916,
            "mobility": 1.9069229834652981,
        },
        "p": {
            "(Intercept)": 0.068111411036491584,
            "ell": 0.85118161324467057,
            "meals": 0.73221867849576283,
            "mobility": 0.058008181071024553,
        },
        "dispersion": 1.1086767115422838,
        "df_residual": 194,
        "degf": 197,
        "converged": True,
        "iterations": 6,
        "warnings": [],
        "regterm_meals": {"F": 0.11742186056517459, "df": 1, "ddf": 194, "p": 0.73221867849576283},
        "regterm_ell_mobility": {
            "F": 1.8777099667671142,
            "df": 2,
            "ddf": 194,
            "p": 0.15570891316644619,
        },
    },
    "strat_nofpc": {
        "design": "svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat)",
        "design_warnings": [],
        "n": 200,
        "names": ["(Intercept)", "ell", "meals", "mobility"],
        "coef": {
            "(Intercept)": 0.83583652484548732,
            "ell": -0.0024896357492620665,
            "meals": -0.0031523651122899415,
            "mobility": 0.060896778727527773,
        },
        "vcov": [
            [
                0.21721460584021299,
                -0.00030004269995223196,
                -0.00033877196638527532,
                -0.011167906539792169,
            ],
            [
                -0.00030004269995223196,
                0.00018135861401659642,
                -9.2927424862779167e-05,
                3.7034839197992332e-05,
            ],
            [
                -0.00033877196638527532,
                -9.2927424862779167e-05,
                8.8109211585577624e-05,
                -0.00011500829748014187,
            ],
            [
                -0.011167906539792169,
                3.7034839197992332e-05,
                -0.00011500829748014187,
                0.0010744637777191004,
            ],
        ],
        "std_errors": {
            "(Intercept)": 0.46606287756075682,
            "ell": 0.013466945237008889,
            "meals": 0.0093866507118129001,
            "mobility": 0.032779014288399529,
        },
        "t": {
            "(Intercept)": 1.7933986272839895,
            "ell": -0.18487011756907043,
            "meals": -0.33583492228199746,
            "mobility": 1.8577977419253606,
        },
        "p": {
            "(Intercept)": 0.074466796917718028,
            "ell": 0.85352403086565543,
            "meals": 0.73735827894119943,
            "mobility": 0.064713083367012217,
        },
        "dispersion": 1.1086767115422838,
        "df_residual": 194,
        "degf": 197,
        "converged": True,
        "iterations": 6,
        "warnings": [],
        "regterm_meals": {"F": 0.11278509502415528, "df": 1, "ddf": 194, "p": 0.73735827894119943},
        "regterm_ell_mobility": {
            "F": 1.7841673500730784,
            "df": 2,
            "ddf": 194,
            "p": 0.17068128365789587,
        },
    },
    "clus1_fpc": {
        "design": "svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)",
        "design_warnings": [],
        "n": 183,
        "names": ["(Intercept)", "ell", "meals", "mobility"],
        "coef": {
            "(Intercept)": 1.7261001737096711,
            "ell": 0.040094801762886975,
            "meals": -0.020788310850650495,
            "mobility": 0.014580365535975472,
        },
        "vcov": [
            [
                0.49159155082370065,
                -0.0030069196529734655,
                -0.0016399997414573238,
                -0.013919077328023768,
            ],
            [
                -0.0030069196529734655,
                0.00015808226190324351,
                -7.7962059827924648e-05,
                0.00018385037721608947,
            ],
            [
                -0.0016399997414573238,
                -7.7962059827924648e-05,
                8.4838145752095807e-05,
                -8.1712621036191378e-05,
            ],
            [
                -0.013919077328023768,
                0.00018385037721608947,
                -8.1712621036191378e-05,
                0.00066719316614810619,
            ],
        ],
        "std_errors": {
            "(Intercept)": 0.70113590039570839,
            "ell": 0.012573076866990177,
            "meals": 0.0092107624956946858,
            "mobility": 0.025830082581132143,
        },
        "t": {
            "(Intercept)": 2.4618624901898354,
            "ell": 3.188941114975075,
            "meals": -2.25695873282667,
            "mobility": 0.56447227724412519,
        },
        "p": {
            "(Intercept)": 0.031574220852614569,
            "ell": 0.0086227762138457054,
            "meals": 0.04533329238346142,
            "mobility": 0.5837594713243669,
        },
        "dispersion": 0.95349570838140785,
        "df_residual": 11,
        "degf": 14,
        "converged": True,
        "iterations": 6,
        "warnings": [],
        "regterm_meals": {"F": 5.0938627216825676, "df": 1, "ddf": 11, "p": 0.04533329238346142},
        "regterm_ell_mobility": {
            "F": 6.2175189566941178,
            "df": 2,
            "ddf": 11,
            "p": 0.015609846622119672,
        },
    },
    "clus1_nofpc": {
        "design": "svydesign(id = ~dnum, weights = ~pw, data = apiclus1)",
        "design_warnings": [],
        "n": 183,
        "names": ["(Intercept)", "ell", "meals", "mobility"],
        "coef": {
            "(Intercept)": 1.7261001737096711,
            "ell": 0.040094801762886975,
            "meals": -0.020788310850650495,
            "mobility": 0.014580365535975472,
        },
        "vcov": [
            [
                0.50152938540908532,
                -0.0030677064384109342,
                -0.0016731533750447356,
                -0.014200460292875998,
            ],
            [
                -0.0030677064384109342,
                0.00016127799496058672,
                -7.953811225032203e-05,
                0.00018756702904660337,
            ],
            [
                -0.0016731533750447356,
                -7.953811225032203e-05,
                8.6553202606922528e-05,
                -8.33644934291063e-05,
            ],
            [
                -0.014200460292875998,
                0.00018756702904660337,
                -8.33644934291063e-05,
                0.0006806808986174074,
            ],
        ],
        "std_errors": {
            "(Intercept)": 0.70818739427434407,
            "ell": 0.012699527351857892,
            "meals": 0.0093033973690755858,
            "mobility": 0.026089861989236497,
        },
        "t": {
            "(Intercept)": 2.4373494751037588,
            "ell": 3.1571885041076948,
            "meals": -2.2344859652830338,
            "mobility": 0.55885176939573977,
        },
        "p": {
            "(Intercept)": 0.032977310676051655,
            "ell": 0.0091245360948870573,
            "meals": 0.047154510417895062,
            "mobility": 0.58745928829401084,
        },
        "dispersion": 0.95349570838140785,
        "df_residual": 11,
        "degf": 14,
        "converged": True,
        "iterations": 6,
        "warnings": [],
        "regterm_meals": {"F": 4.9929275290468507, "df": 1, "ddf": 11, "p": 0.047154510417895062},
        "regterm_ell_mobility": {
            "F": 6.0943184489656979,
            "df": 2,
            "ddf": 11,
            "p": 0.016544210889760661,
        },
    },
    "clus2_fpc": {
        "design": (
            "svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, weights = ~pw, data = apiclus2)"
        ),
        "design_warnings": [],
        "n": 126,
        "names": ["(Intercept)", "ell", "meals", "mobility"],
        "coef": {
            "(Intercept)": 0.82118306604828284,
            "ell": -0.054620420498816866,
            "meals": 0.028734555218387248,
            "mobility": 0.014601757693711345,
        },
        "vcov": [
            [
                0.57096573322757915,
                0.0011212714292125822,
                -0.0028831641828960162,
                -0.012846821500788424,
            ],
            [
                0.0011212714292125822,
                0.00049294669206387341,
                -0.00037039868864896546,
                0.00032425307241691501,
            ],
            [
                -0.0028831641828960162,
                -0.00037039868864896546,
                0.00032368986812118334,
                -0.00030179716136401283,
            ],
            [
                -0.012846821500788424,
                0.00032425307241691501,
                -0.00030179716136401283,
                0.00091106706879703686,
            ],
        ],
        "std_errors": {
            "(Intercept)": 0.75562274530851647,
            "ell": 0.02220240284437415,
            "meals": 0.017991383163091807,
            "mobility": 0.030183887569314807,
        },
        "t": {
            "(Intercept)": 1.0867632970907968,
            "ell": -2.4601130283813895,
            "meals": 1.5971287453504066,
            "mobility": 0.48376000805660352,
        },
        "p": {
            "(Intercept)": 0.28436465758281587,
            "ell": 0.018822213879809698,
            "meals": 0.11897894679024106,
            "mobility": 0.6314859300729424,
        },
        "dispersion": 0.98565124776889723,
        "df_residual": 36,
        "degf": 39,
        "converged": True,
        "iterations": 5,
        "warnings": [],
        "regterm_meals": {"F": 2.5508202292245641, "df": 1, "ddf": 36, "p": 0.11897894679024106},
        "regterm_ell_mobility": {
            "F": 4.8556765186671837,
            "df": 2,
            "ddf": 36,
            "p": 0.013583498473331011,
        },
    },
    "weights_only": {
        "design": "svydesign(id = ~1, weights = ~pw, data = apistrat)",
        "design_warnings": [],
        "n": 200,
        "names": ["(Intercept)", "ell", "meals", "mobility"],
        "coef": {
            "(Intercept)": 0.83583652484548732,
            "ell": -0.0024896357492620665,
            "meals": -0.0031523651122899415,
            "mobility": 0.060896778727527773,
        },
        "vcov": [
            [
                0.21816348558278642,
                -0.00028800550199535618,
                -0.00040478839414746716,
                -0.01101288544562474,
            ],
            [
                -0.00028800550199535618,
                0.0001799391476712386,
                -9.2241803871769796e-05,
                3.661435553527353e-05,
            ],
            [
                -0.00040478839414746716,
                -9.2241803871769796e-05,
                8.8572126032457032e-05,
                -0.00011305062275959113,
            ],
            [
                -0.01101288544562474,
                3.661435553527353e-05,
                -0.00011305062275959113,
                0.0010691552707748828,
            ],
        ],
        "std_errors": {
            "(Intercept)": 0.46707974220981413,
            "ell": 0.013414139840900669,
            "meals": 0.0094112765357552332,
            "mobility": 0.032697939855209267,
        },
        "t": {
            "(Intercept)": 1.7894942754122403,
            "ell": -0.18559786753310784,
            "meals": -0.33495616671272016,
            "mobility": 1.8624041452515552,
        },
        "p": {
            "(Intercept)": 0.075079196165982076,
            "ell": 0.85295205444497002,
            "meals": 0.73801635220424466,
            "mobility": 0.064042700145843151,
        },
        "dispersion": 1.1086767115422838,
        "df_residual": 196,
        "degf": 199,
        "converged": True,
        "iterations": 6,
        "warnings": [],
        "regterm_meals": {"F": 0.11219563361887958, "df": 1, "ddf": 196, "p": 0.73801635220424466},
        "regterm_ell_mobility": {
            "F": 1.7928458474241586,
            "df": 2,
            "ddf": 196,
            "p": 0.1692051011172154,
        },
    },
    "lonely_certainty": {
        "design": "svydesign(id = ~dnum, strata = ~st, weights = ~pw, data = apiclus1)",
        "design_warnings": [],
        "n": 183,
        "names": ["(Intercept)", "ell", "meals", "mobility"],
        "coef": {
            "(Intercept)": 1.7261001737096711,
            "ell": 0.040094801762886975,
            "meals": -0.020788310850650495,
            "mobility": 0.014580365535975472,
        },
        "vcov": [
            [
                0.44379157735703839,
                -0.0037751175699113661,
                -0.00061822268766918936,
                -0.013844887055253373,
            ],
            [
                -0.0037751175699113661,
                0.00015417234375161872,
                -6.7748826632659962e-05,
                0.00019344209204917316,
            ],
            [
                -0.00061822268766918936,
                -6.7748826632659962e-05,
                6.8242958319260212e-05,
                -9.1346402937491508e-05,
            ],
            [
                -0.013844887055253373,
                0.00019344209204917316,
                -9.1346402937491508e-05,
                0.00068112855915462703,
            ],
        ],
        "std_errors": {
            "(Intercept)": 0.66617683640084513,
            "ell": 0.012416615631951355,
            "meals": 0.0082609296280297777,
            "mobility": 0.026098439783914806,
        },
        "t": {
            "(Intercept)": 2.5910540255876739,
            "ell": 3.2291248236525951,
            "meals": -2.5164614379614907,
            "mobility": 0.55866809114626681,
        },
        "p": {
            "(Intercept)": 0.026901266948131806,
            "ell": 0.0090343401228619741,
            "meals": 0.030572189563202488,
            "mobility": 0.58867860922472093,
        },
        "dispersion": 0.95349570838140785,
        "df_residual": 10,
        "degf": 13,
        "converged": True,
        "iterations": 6,
        "warnings": [],
        "regterm_meals": {"F": 6.3325781687472125, "df": 1, "ddf": 10, "p": 0.030572189563202515},
        "regterm_ell_mobility": {
            "F": 6.6693552001117951,
            "df": 2,
            "ddf": 10,
            "p": 0.014441613727020552,
        },
        "lonely_psu": "certainty",
    },
    "lonely_adjust": {
        "design": "svydesign(id = ~dnum, strata = ~st, weights = ~pw, data = apiclus1)",
        "design_warnings": [],
        "n": 183,
        "names": ["(Intercept)", "ell", "meals", "mobility"],
        "coef": {
            "(Intercept)": 1.7261001737096711,
            "ell": 0.040094801762886975,
            "meals": -0.020788310850650495,
            "mobility": 0.014580365535975472,
        },
        "vcov": [
            [
                0.49606003049286307,
                -0.0031756621734490087,
                -0.001539932187282905,
                -0.014216163684719207,
            ],
            [
                -0.0031756621734490087,
                0.00016104736588808878,
                -7.831971022238998e-05,
                0.0001891840020204651,
            ],
            [
                -0.001539932187282905,
                -7.831971022238998e-05,
                8.4496517602343106e-05,
                -8.4799256889875446e-05,
            ],
            [
                -0.014216163684719207,
                0.0001891840020204651,
                -8.4799256889875446e-05,
                0.00068376583512736919,
            ],
        ],
        "std_errors": {
            "(Intercept)": 0.70431529196295539,
            "ell": 0.012690443880656373,
            "meals": 0.0091921987360121353,
            "mobility": 0.026148916519186206,
        },
        "t": {
            "(Intercept)": 2.450749250238426,
            "ell": 3.1594483329304315,
            "meals": -2.261516689060306,
            "mobility": 0.55758966247329755,
        },
        "p": {
            "(Intercept)": 0.034213885302520189,
            "ell": 0.01016833366983049,
            "meals": 0.047246633648606942,
            "mobility": 0.58938756643917012,
        },
        "dispersion": 0.95349570838140785,
        "df_residual": 10,
        "degf": 13,
        "converged": True,
        "iterations": 6,
        "warnings": [],
        "regterm_meals": {"F": 5.1144577348982887, "df": 1, "ddf": 10, "p": 0.047246633648606942},
        "regterm_ell_mobility": {
            "F": 6.1367174357599357,
            "df": 2,
            "ddf": 10,
            "p": 0.018241645767100117,
        },
        "lonely_psu": "adjust",
    },
    "lonely_average": {
        "design": "svydesign(id = ~dnum, strata = ~st, weights = ~pw, data = apiclus1)",
        "design_warnings": [],
        "n": 183,
        "names": ["(Intercept)", "ell", "meals", "mobility"],
        "coef": {
            "(Intercept)": 1.7261001737096711,
            "ell": 0.040094801762886975,
            "meals": -0.020788310850650495,
            "mobility": 0.014580365535975472,
        },
        "vcov": [
            [
                0.88758315471407678,
                -0.0075502351398227321,
                -0.0012364453753383787,
                -0.027689774110506746,
            ],
            [
                -0.0075502351398227321,
                0.00030834468750323745,
                -0.00013549765326531992,
                0.00038688418409834631,
            ],
            [
                -0.0012364453753383787,
                -0.00013549765326531992,
                0.00013648591663852042,
                -0.00018269280587498302,
            ],
            [
                -0.027689774110506746,
                0.00038688418409834631,
                -0.00018269280587498302,
                0.0013622571183092541,
            ],
        ],
        "std_errors": {
            "(Intercept)": 0.9421163169768777,
            "ell": 0.017559746225479383,
            "meals": 0.011682718717769439,
            "mobility": 0.036908767499189865,
        },
        "t": {
            "(Intercept)": 1.8321518719137466,
            "ell": 2.2833360601025645,
            "meals": -1.7794069473770204,
            "mobility": 0.39503799568206949,
        },
        "p": {
            "(Intercept)": 0.096834378854778982,
            "ell": 0.04552674311306,
            "meals": 0.10552863468410245,
            "mobility": 0.70110988771906535,
        },
        "dispersion": 0.95349570838140785,
        "df_residual": 10,
        "degf": 13,
        "converged": True,
        "iterations": 6,
        "warnings": [],
        "regterm_meals": {"F": 3.1662890843736062, "df": 1, "ddf": 10, "p": 0.10552863468410245},
        "regterm_ell_mobility": {
            "F": 3.3346776000558975,
            "df": 2,
            "ddf": 10,
            "p": 0.077697312231923235,
        },
        "lonely_psu": "average",
    },
    "lonely_remove": {
        "design": "svydesign(id = ~dnum, strata = ~st, weights = ~pw, data = apiclus1)",
        "design_warnings": [],
        "n": 183,
        "names": ["(Intercept)", "ell", "meals", "mobility"],
        "coef": {
            "(Intercept)": 1.7261001737096711,
            "ell": 0.040094801762886975,
            "meals": -0.020788310850650495,
            "mobility": 0.014580365535975472,
        },
        "vcov": [
            [
                0.44379157735703839,
                -0.0037751175699113661,
                -0.00061822268766918936,
                -0.013844887055253373,
            ],
            [
                -0.0037751175699113661,
                0.00015417234375161872,
                -6.7748826632659962e-05,
                0.00019344209204917316,
            ],
            [
                -0.00061822268766918936,
                -6.7748826632659962e-05,
                6.8242958319260212e-05,
                -9.1346402937491508e-05,
            ],
            [
                -0.013844887055253373,
                0.00019344209204917316,
                -9.1346402937491508e-05,
                0.00068112855915462703,
            ],
        ],
        "std_errors": {
            "(Intercept)": 0.66617683640084513,
            "ell": 0.012416615631951355,
            "meals": 0.0082609296280297777,
            "mobility": 0.026098439783914806,
        },
        "t": {
            "(Intercept)": 2.5910540255876739,
            "ell": 3.2291248236525951,
            "meals": -2.5164614379614907,
            "mobility": 0.55866809114626681,
        },
        "p": {
            "(Intercept)": 0.026901266948131806,
            "ell": 0.0090343401228619741,
            "meals": 0.030572189563202488,
            "mobility": 0.58867860922472093,
        },
        "dispersion": 0.95349570838140785,
        "df_residual": 10,
        "degf": 13,
        "converged": True,
        "iterations": 6,
        "warnings": [],
        "regterm_meals": {"F": 6.3325781687472125, "df": 1, "ddf": 10, "p": 0.030572189563202515},
        "regterm_ell_mobility": {
            "F": 6.6693552001117951,
            "df": 2,
            "ddf": 10,
            "p": 0.014441613727020552,
        },
        "lonely_psu": "remove",
    },
}

# Added by hand (same R 4.2.2, survey 4.1.1, 2026-12-01), not by the script above: a stratified
# cluster design whose district labels repeat across strata, so nest = TRUE is needed:
#   library(survey); data(api); apistrat$y <- apistrat$sch.wide == "Yes"
#   d <- svydesign(id = ~dnum, strata = ~stype, weights = ~pw, data = apistrat, nest = TRUE)
#   f <- svyglm(y ~ ell + meals + mobility, d, family = quasibinomial(),
#               control = glm.control(epsilon = 1e-14, maxit = 100))
#   sprintf("%.17g", coef(f)); sprintf("%.17g", sqrt(diag(vcov(f)))); degf(d); f$df.residual
# Without nest = TRUE, svydesign stops: "Clusters not nested in strata at top level; you may
# want nest=TRUE."
NESTED_STRAT_CLUSTERS = {
    "coef": [0.83583652484548732, -0.0024896357492620665, -0.0031523651122899415,
             0.060896778727527773],
    "std_errors": [0.45641462058993787, 0.013702050679585865, 0.0096499708825373565,
                   0.033018109713508006],
    "degf": 159,
    "df_residual": 156,
}  # fmt: skip
