"""The tags the course puts on runs."""

LEARNER_TAG = "mlcourse.learner"
MODULE_TAG = "mlcourse.module"
EXERCISE_TAG = "mlcourse.exercise"
VERSION_TAG = "mlcourse.course_version"
