"""qianghui: the engine of the 党建强会计划 application system."""

__version__ = "0.1.0"
