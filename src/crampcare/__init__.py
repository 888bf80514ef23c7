"""crampcare: help for night leg cramps, from first aid to the doctor's visit."""

__version__ = "0.1.0"
