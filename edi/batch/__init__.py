"""The unattended shell: intake, locks, logs, process and watch."""
