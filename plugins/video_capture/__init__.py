"""Видеофиксация экзамена: the room, each candidate's webcam and screen, recorded as evidence.

Recorders ``webcam`` (OpenCV), ``screen`` (mss), ``network_camera`` (RTSP/HTTP through
OpenCV) and ``synthetic`` (generated frames for tests and demos). The station process
(``nok station record``) cuts VP8 WebM segments, signs and chains them (ADR 0007), spools them
and uploads them to the appliance, which verifies, stores them encrypted, binds them to the
candidate signed in at that workstation, plays them to experts and the ЦОК, shows live stills,
and destroys them when the retention term is over (``nok retention run``). Needs
opencv-python, mss and av; without them the plugin stays inactive and ``nok plugins list``
says which is missing. Entry point ``video_capture`` (module ``plugins.video_capture.hooks``).
"""
