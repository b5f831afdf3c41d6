"""What students hand in, read as hostile input in the trusted process: LMS folders and zips into one entry per student, and notebooks or .py files into cells mapped to exercises."""
