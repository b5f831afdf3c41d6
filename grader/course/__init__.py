"""The instructor's course material and machine: building the workbook, releasing the student bundle, validating the exercise set, and checking a grading machine (doctor, preflight)."""
