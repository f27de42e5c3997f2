"""The roster: the district, schools and their calendars, sections, people, guardians and
enrolments, loaded one record at a time or imported from CSV files (`imports/`)."""
