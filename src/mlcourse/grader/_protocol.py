"""What the runner inside the sandbox and the grader outside agree on."""

import re

PROTOCOL = 1
ANSWER_FILE = re.compile(r"^(answers\.json|v\d{1,6}\.(npy|parquet))$")
MAX_FILES = 2000
MAX_HEADER = 1024 * 1024
