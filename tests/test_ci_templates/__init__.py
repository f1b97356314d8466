"""Tests of the CI templates that learners copy into their own repositories."""
