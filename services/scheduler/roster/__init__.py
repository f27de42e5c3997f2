"""The roster: schools, sections, enrolments and each student's own zone."""
