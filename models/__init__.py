"""Writer's model factory: corpus → tokenizer → tokenize → train → export → optimize → index → card.

Run ``python -m models build models/recipes/<name>.toml``; every step is also a command
of its own (``python -m models --help``). Needs the ``[train]`` extra.
"""
