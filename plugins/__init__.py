"""Built-in plugins; each subpackage registers itself under the `nok` entry-point group."""
