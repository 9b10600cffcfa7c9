"""Reference solutions: same names and signatures as labs/."""
