# expect: failed | many (like ReLU) give no probability at all
choice_q35 = "b"
