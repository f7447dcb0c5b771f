"""`eyetracker doctor`: what this machine, its cameras, its models and its Qt platform can do."""
