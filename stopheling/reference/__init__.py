"""Reference data shipped with the product: police units, municipalities, goods categories."""
