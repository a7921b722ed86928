"""The content stage: discover article files, read them safely, parse and validate them."""
