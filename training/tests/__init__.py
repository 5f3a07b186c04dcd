"""unittest suite of training/ (npm run test:py)."""
