"""Job architecture basics for HR: job families and roles."""
