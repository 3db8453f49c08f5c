"""rms::validate.lrm on the bundled penguins data, with its bootstrap draws, for test_validation.

Produced with R 4.2.2 (Debian 12's r-base-core) and rms 6.5-0 (Debian's r-cran-rms), from the
repository root, by::

    suppressMessages(library(rms))
    d <- read.csv("data/penguins.csv")
    used <- c("sex", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g",
              "species")
    d <- d[complete.cases(d[, used]), ]
    d$male <- as.integer(d$sex == "male")
    f <- lrm(male ~ bill_length_mm + bill_depth_mm + flipper_length_mm + body_mass_g + species,
             data = d, x = TRUE, y = TRUE)
    set.seed(2026); idx <- replicate(20, sample(nrow(d), replace = TRUE))
    set.seed(2026); v <- validate(f, B = 20)
    write.csv(idx - 1, "tests/data/penguins_validate_draws.csv", row.names = FALSE)
    z <- unclass(v)
    for (r in rownames(z))
      cat(sprintf('    "%s": (%s),\n', r, paste(sprintf("%.17g", z[r, 1:5]), collapse = ", ")))

The draws (0-based row numbers among the 333 complete rows, one column per resample) are in
``tests/data/penguins_validate_draws.csv``; R's ``validate`` re-draws the same rows because it
calls ``sample(n, replace = TRUE)`` once per resample after the same ``set.seed``.
Columns: index.orig, training, test, optimism, index.corrected.
"""

RMS_VALIDATE_PENGUINS = {
    "Dxy": (
        0.95447330447330447,
        0.95838692814241944,
        0.95139971139971125,
        0.006987216742708191,
        0.94748608773059628,
    ),
    "R2": (
        0.8450552731022557,
        0.85416811775742718,
        0.83578306311719308,
        0.0183850546402341,
        0.8266702184620216,
    ),
    "Intercept": (0, 0, -0.010623901267494571, 0.010623901267494571, -0.010623901267494571),
    "Slope": (1, 1, 0.90665132451089914, 0.093348675489100863, 0.90665132451089914),
    "Emax": (0, 0, 0.023574810943957303, 0.023574810943957303, 0.023574810943957303),
    "D": (
        1.0015024857778101,
        1.0206250146052096,
        0.9827766349677608,
        0.037848379637448804,
        0.96365410614036129,
    ),
    "U": (
        -0.006006006006006006,
        -0.0060060060060060077,
        0.0047675364852491162,
        -0.010773542491255124,
        0.004767536485249118,
    ),
    "Q": (
        1.0075084917838162,
        1.0266310206112159,
        0.97800909848251172,
        0.048621922128704198,
        0.95888656965511199,
    ),
    "B": (
        0.055130996357304562,
        0.051532420952499415,
        0.058297871467441656,
        -0.0067654505149422409,
        0.061896446872246803,
    ),
    "g": (
        6.2880876136145103,
        6.8688680501296258,
        6.0874289871814353,
        0.78143906294819043,
        5.5066485506663199,
    ),
    "gp": (
        0.47908058948025251,
        0.47926319850315374,
        0.47682136404670794,
        0.0024418344564458017,
        0.4766387550238067,
    ),
}
