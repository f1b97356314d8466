"""The fixed curriculum map: module numbers, slugs and titles (DESIGN §3)."""

from __future__ import annotations

MODULES: dict[str, tuple[str, str]] = {
    "00": ("start_here", "Start here"),
    "01": ("python_essentials", "Python essentials"),
    "02": ("numpy", "NumPy"),
    "03": ("pandas", "pandas"),
    "04": ("visualization_eda", "Visualisation and EDA"),
    "05": ("math_statistics", "Maths and statistics"),
    "06": ("ml_workflow_regression", "ML workflow: regression"),
    "07": ("classification_evaluation", "Classification and evaluation"),
    "08": ("trees_ensembles", "Trees and ensembles"),
    "09": ("svm_knn_regularization", "SVMs, kNN and regularisation"),
    "10": ("unsupervised", "Unsupervised learning"),
    "11": ("pipelines_tuning", "Pipelines and tuning"),
    "12": ("project_fraud_detection", "Project: fraud detection"),
    "13": ("project_recommender", "Project: recommender"),
    "14": ("responsible_ml", "Responsible ML"),
    "15": ("neural_networks", "Neural networks"),
    "16": ("training_deep_networks", "Training deep networks"),
    "17": ("cnn_vision", "CNNs for vision"),
    "18": ("sequences_nlp", "Sequences and NLP"),
    "19": ("experiment_tracking_mlflow", "Experiment tracking with MLflow"),
    "20": ("serving_fastapi_docker", "Serving with FastAPI and Docker"),
    "21": ("monitoring_retraining", "Monitoring and retraining"),
    "22": ("data_at_scale", "Data at scale"),
    "23": ("llm_foundations", "LLM foundations"),
    "24": ("rag_agents", "RAG and agents"),
    "25": ("capstone", "Capstone"),
    "26": ("interview_prep", "Interview preparation"),
}


def module_name(number: str) -> str:
    """``NN_slug`` for a module number, e.g. ``"07_classification_evaluation"``."""
    if number not in MODULES:
        raise ValueError(f"no module {number!r} in the curriculum (00-26)")
    return f"{number}_{MODULES[number][0]}"


def experiment_name(number: str) -> str:
    """The module's MLflow experiment, ``mlcourse/NN_slug``."""
    return f"mlcourse/{module_name(number)}"
