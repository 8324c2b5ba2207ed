"""What a person reads: accounts show, status, explain."""
