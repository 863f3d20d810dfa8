"""The buyer register (issue 6): dealers, purchase and sales registers, matching, alerts."""
