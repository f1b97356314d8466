"""Every lesson and solutions notebook follows the shape of DESIGN §4."""

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted([*(ROOT / "curriculum").glob("*.ipynb"), *(ROOT / "solutions").glob("*.ipynb")])
SLUGS = {
    "00": "start_here",
    "01": "python_essentials",
    "02": "numpy",
    "03": "pandas",
    "04": "visualization_eda",
    "05": "math_statistics",
    "06": "ml_workflow_regression",
    "07": "classification_evaluation",
    "08": "trees_ensembles",
    "09": "svm_knn_regularization",
    "10": "unsupervised",
    "11": "pipelines_tuning",
    "12": "project_fraud_detection",
    "13": "project_recommender",
    "14": "responsible_ml",
    "15": "neural_networks",
    "16": "training_deep_networks",
    "17": "cnn_vision",
    "18": "sequences_nlp",
    "19": "experiment_tracking_mlflow",
    "20": "serving_fastapi_docker",
    "21": "monitoring_retraining",
    "22": "data_at_scale",
    "23": "llm_foundations",
    "24": "rag_agents",
    "25": "capstone",
    "26": "interview_prep",
}


def _id(path):
    return f"{path.parent.name}/{path.name}"


def test_there_are_notebooks():
    assert (ROOT / "curriculum" / "00_start_here.ipynb").is_file()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_notebook_shape(path):
    number, slug = path.stem.split("_", 1)
    assert SLUGS.get(number) == slug, f"{path.name}: not in the curriculum map"
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "mlcourse"
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    assert re.match(rf"# Module {number} — \S", first.source), "title: '# Module NN — Title'"
    assert re.search(r"^\*[^*].+\*$", first.source, re.M) or re.search(
        r"^_.+_$", first.source, re.M
    ), "an italic line saying what the learner will be able to do"
    headings = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert any(h.lstrip().startswith("## Setup") for h in headings)
    setup = next(c for c in nb.cells if c.cell_type == "code")
    assert "setup_notebook(seed=" in setup.source
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.execution_count is not None or not cell.source.strip(), (
                f"{path.name}: notebooks are committed executed"
            )


@pytest.mark.parametrize("path", sorted((ROOT / "curriculum").glob("*.ipynb")), ids=_id)
def test_lessons_point_to_their_exercises(path):
    nb = nbformat.read(str(path), as_version=4)
    if (ROOT / "exercises" / path.name).is_file():
        assert any(
            f"exercises/{path.name}" in c.source for c in nb.cells if c.cell_type == "markdown"
        )


def test_the_readme_lists_every_written_module():
    """The README's table of modules is the set of modules the course declares."""
    from mlcourse.exercises import available_modules

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| (\d\d) \| ", readme, flags=re.MULTILINE)
    assert listed == sorted(available_modules())
