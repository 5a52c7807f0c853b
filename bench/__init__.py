"""Speed and memory measurements of Tollgate pages (`make bench`)."""
