"""Survey designs against R's survey 4.1 (svyglm, regTermTest; values in tests/r_survey.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy.special import expit

import logitfit
from logitfit import SurveyDesign
from tests import r_survey as R
from tests.conftest import DATA

FORMULA = "sch_wide ~ ell + meals + mobility"


def api(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / f"api_{name}.csv")


DESIGNS = {
    "strat_fpc": ("strat", SurveyDesign(weights="pw", strata="stype", fpc="fpc")),
    "strat_nofpc": ("strat", SurveyDesign(weights="pw", strata="stype")),
    "clus1_fpc": ("clus1", SurveyDesign(weights="pw", clusters="dnum", fpc="fpc")),
    "clus1_nofpc": ("clus1", SurveyDesign(weights="pw", clusters="dnum")),
    "clus2_fpc": (
        "clus2",
        SurveyDesign(weights="pw", clusters=["dnum", "snum"], fpc=["fpc1", "fpc2"]),
    ),  # fmt: skip
    "weights_only": ("strat", SurveyDesign(weights="pw")),
    **{
        f"lonely_{how}": (
            "clus1",
            SurveyDesign(weights="pw", strata="st", clusters="dnum", lonely_psu=how),
        )  # fmt: skip
        for how in ("certainty", "adjust", "average", "remove")
    },
}


def survey_fit(name: str) -> logitfit.LogitResult:
    data, design = DESIGNS[name]
    return logitfit.fit(FORMULA, api(data), design=design, event="Yes")


@pytest.mark.parametrize("name", list(DESIGNS))
def test_design_fits_match_svyglm(name: str) -> None:
    result, reference = survey_fit(name), R.DESIGNS[name]
    names = reference["names"]
    # R's fits converge to 1e-14 (glm.control): the estimates agree to 1e-11, the
    # design-based covariances to 1e-8 relative.
    assert_allclose(result.coef, [reference["coef"][n] for n in names], rtol=1e-10)
    assert_allclose(result.cov, reference["vcov"], rtol=1e-8, atol=1e-8 * np.abs(
        reference["vcov"]).max())  # fmt: skip
    assert_allclose(result.std_errors, [reference["std_errors"][n] for n in names], rtol=1e-8)
    assert_allclose(result.z, [reference["t"][n] for n in names], rtol=1e-8)
    assert_allclose(result.p_values, [reference["p"][n] for n in names], rtol=1e-7)
    assert result.wald_df == reference["df_residual"]
    assert result.covariance.survey.degrees_of_freedom == reference["degf"]


@pytest.mark.parametrize("name", list(DESIGNS))
def test_wald_tests_of_terms_match_regtermtest(name: str) -> None:
    tests = logitfit.wald_tests_by_term(survey_fit(name)).table.set_index("term")
    expected = R.DESIGNS[name]["regterm_meals"]
    assert_allclose(tests.loc["meals", "f_stat"], expected["F"], rtol=1e-8)
    assert tests.loc["meals", "ddf"] == expected["ddf"] and tests.loc["meals", "df"] == 1
    assert_allclose(tests.loc["meals", "p_value"], expected["p"], rtol=1e-7)


def test_a_lonely_psu_fails_by_default_as_r_does() -> None:
    with pytest.raises(logitfit.DataError, match=r"Stratum \(A\) has only one sampling unit "
                       r"at stage 1") as error:  # fmt: skip
        lonely = SurveyDesign(weights="pw", strata="st", clusters="dnum")
        _ = logitfit.fit(FORMULA, api("clus1"), event="Yes", design=lonely).cov
    assert "lonely_psu" in str(error.value)
    assert R.LONELY_FAIL_MESSAGE == "Stratum (A) has only one PSU at stage 1"


def test_probability_weights_without_a_design() -> None:
    data = api("strat")
    by_kind = logitfit.fit(FORMULA, data, weights="pw", weights_kind="probability", event="Yes")
    assert_allclose(by_kind.cov, survey_fit("weights_only").cov, rtol=1e-14)
    # The relation to HC0 with the same weights as frequencies: survey's meat has the weights
    # twice and the factor n / (n - 1); HC0's has them once.
    frequency = logitfit.fit(FORMULA, data, weights="pw", event="Yes")
    X, y, w = frequency.design.X, frequency.design.successes, frequency.design.weights
    residual = y - expit(X @ frequency.coef.to_numpy())
    meat = (X * (w * residual)[:, None]).T @ (X * (w * residual)[:, None])
    bread = frequency.model_cov
    n = X.shape[0]
    assert_allclose(by_kind.cov, n / (n - 1) * bread @ meat @ bread, rtol=1e-10)
    hc0 = frequency.with_covariance("HC0").cov.to_numpy()
    assert not np.allclose(hc0, by_kind.cov, rtol=0.05)


def test_arrays_take_a_design_of_arrays() -> None:
    data = api("clus1")
    y = (data["sch_wide"] == "Yes").to_numpy()
    design = SurveyDesign(weights=data["pw"].to_numpy(), clusters=data["dnum"].to_numpy(),
                          fpc=data["fpc"].to_numpy())  # fmt: skip
    arrays = logitfit.fit_arrays(data[["ell", "meals", "mobility"]], y, design=design)
    assert_allclose(arrays.cov, survey_fit("clus1_fpc").cov, rtol=1e-12)
    with pytest.raises(logitfit.DataError, match="arrays, not names"):
        logitfit.fit_arrays(data[["ell"]], y, design=SurveyDesign(weights="pw"))


def test_what_the_likelihood_cannot_answer_is_refused() -> None:
    result = survey_fit("strat_fpc")
    refused = [
        lambda: result.aic, lambda: result.bic, lambda: result.lr_pvalue,
        lambda: logitfit.lr_tests_by_term(result), lambda: logitfit.profile_conf_int(result),
        lambda: logitfit.global_tests(result), lambda: logitfit.fit_statistics(result),
        lambda: logitfit.pseudo_r2(result), lambda: logitfit.crosscheck(result),
    ]  # fmt: skip
    for call in refused:
        with pytest.raises(logitfit.DataError, match="Wald tests|pseudo-likelihood"):
            call()
    with pytest.raises(logitfit.DataError, match="replicate weights"):
        logitfit.validate(result, n_boot=5)
    with pytest.raises(logitfit.DataError, match="survey design's"):
        result.with_covariance("HC0")
    text = result.summary()
    assert "Survey design: 200 rows" in text and "194 df" in text and "AIC:" not in text


def test_predictions_and_marginal_effects_use_the_design() -> None:
    result = survey_fit("clus1_fpc")
    new = api("clus1").head(5)
    assert_allclose(result.predict(new), expit(
        result.coef["Intercept"] + new[["ell", "meals", "mobility"]] @ result.coef.iloc[1:]
    ))  # fmt: skip
    effects = logitfit.marginal_effects(result).table
    # The delta method with the design covariance: the Jacobian by central differences.
    design = result.design
    X, w = design.X, design.weights

    def average_effect(coef: np.ndarray) -> np.ndarray:
        mu = expit(X @ coef)
        return coef[1:] * np.sum(w * mu * (1 - mu)) / w.sum()

    coef, step = result.coef.to_numpy(), 1e-6
    jacobian = np.column_stack([
        (average_effect(coef + step * e) - average_effect(coef - step * e)) / (2 * step)
        for e in np.eye(coef.size)
    ])  # fmt: skip
    errors = np.sqrt(np.diag(jacobian @ result.cov.to_numpy() @ jacobian.T))
    assert_allclose(effects["ame"], average_effect(coef), rtol=1e-10)
    assert_allclose(effects["std_error"], errors, rtol=1e-6)


def test_bad_designs_are_refused_clearly() -> None:
    data = api("strat")
    cases = [
        (SurveyDesign(weights="pw", strata="stype", clusters="dnum"), "not nested in strata"),
        (SurveyDesign(weights="pw", strata="stype", fpc="ell"), "same for every row"),
        (SurveyDesign(weights="pw", fpc=["fpc", "fpc"]), "one finite population"),
        (SurveyDesign(weights="weight"), "not a column"),
        (SurveyDesign(weights="pw", lonely_psu="skip"), "lonely_psu must be"),  # type: ignore[arg-type]
    ]
    for design, message in cases:
        with pytest.raises(logitfit.DataError, match=message):
            _ = logitfit.fit(FORMULA, data, design=design, event="Yes").cov
    small = data.assign(tiny=5.0)
    with pytest.raises(logitfit.DataError, match="smaller than the number of units"):
        logitfit.fit(FORMULA, small, design=SurveyDesign(weights="pw", fpc="tiny"), event="Yes")
    with pytest.raises(logitfit.DataError, match="carries its own weights"):
        logitfit.fit(FORMULA, data, weights="pw", design=SurveyDesign(weights="pw"))
    with pytest.raises(logitfit.DataError, match="leave out cov_type"):
        logitfit.fit(FORMULA, data, cov_type="HC0", design=SurveyDesign(weights="pw"))


def test_the_command_line_takes_a_design(capsys: pytest.CaptureFixture[str]) -> None:
    from logitfit.cli import main

    data = str(DATA / "api_clus2.csv")
    code = main(["fit", data, "-f", FORMULA, "--event", "Yes", "--weights", "pw",
                 "--clusters", "dnum,snum", "--fpc", "fpc1,fpc2"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0 and "P>|t|" in out and "36 df" in out
    assert f"{R.DESIGNS['clus2_fpc']['std_errors']['ell']:.4f}" in out
    code = main(["fit", str(DATA / "api_clus1.csv"), "-f", FORMULA, "--event", "Yes",
                 "--weights", "pw", "--strata", "st", "--clusters", "dnum"])  # fmt: skip
    err = capsys.readouterr().err
    assert code != 0 and "--lonely-psu certainty" in err and "lonely_psu=" not in err


def test_the_diagnostics_report_of_a_survey_design(tmp_path: object) -> None:
    import pypdf

    from logitfit.cli import main

    out = str(tmp_path)
    code = main(["report", str(DATA / "api_clus1.csv"), "-f", FORMULA, "--weights", "pw",
                 "--strata", "st", "--clusters", "dnum", "--lonely-psu", "adjust",
                 "--format", "pdf", "--output-dir", out, "--engine", "builtin"])  # fmt: skip
    assert code == 0
    reader = pypdf.PdfReader(f"{out}/diagnostics-api_clus1.pdf")
    text = " ".join(page.extract_text() for page in reader.pages).replace("\u2212", "-")
    result = survey_fit("lonely_adjust")
    for value in [*result.coef, *result.std_errors]:
        assert f"{value:.4f}" in text
    tests = logitfit.wald_tests_by_term(result).table
    assert all(f"{value:.4f}" in text for value in tests["f_stat"])
    assert "not defined for a survey pseudo-likelihood" in text
    assert "survey::svyglm" in text and "13 design degrees of freedom" in text


def test_nested_clusters_match_svyglm_and_unnested_labels_are_refused() -> None:
    data = api("strat")
    nested = SurveyDesign(weights="pw", strata="stype", clusters="dnum", nest=True)
    result = logitfit.fit(FORMULA, data, design=nested, event="Yes")
    expected = R.NESTED_STRAT_CLUSTERS
    assert_allclose(result.coef, expected["coef"], rtol=1e-10)
    assert_allclose(result.std_errors, expected["std_errors"], rtol=1e-8)
    assert result.covariance.survey.degrees_of_freedom == expected["degf"]
    assert result.wald_df == expected["df_residual"]
    with pytest.raises(logitfit.DataError, match="not nested in strata.*nest=True"):
        unnested = SurveyDesign(weights="pw", strata="stype", clusters="dnum")
        logitfit.fit(FORMULA, data, event="Yes", design=unnested)
