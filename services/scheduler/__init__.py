"""The scheduler: roster, live sessions, their bookend tasks, and each student's feed."""

# Every event the scheduler emits names it as its source (CloudEvents `source`).
SOURCE = "bookend/scheduler"
