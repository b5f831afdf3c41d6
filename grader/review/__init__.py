"""What an instructor reviews after a batch: flags with their evidence, similar code, and instructor overrides."""
