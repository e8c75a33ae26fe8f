"""The demo organisation: a deterministic, realistic company built on the starter skills
library that Trellis ships (``data/skills.csv``). See docs/cli.md (`trellis demo`)."""
