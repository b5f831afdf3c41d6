"""The grader's side of the sandbox: processes, namespaces and limits, warm starts, GPUs, and the session that suites question."""
