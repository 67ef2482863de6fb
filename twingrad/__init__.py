"""twingrad: translate autodiff code between TensorFlow and PyTorch."""
