"""ЦОК pages of a qualification's КОС: import (JSON, IMS QTI 2.1, Moodle XML), versions, export."""
