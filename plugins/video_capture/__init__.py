"""Видеофиксация экзамена: the video sources of exam workstations and rooms.

Recorders ``webcam`` (OpenCV), ``screen`` (mss), ``network_camera`` (RTSP through
OpenCV) and ``synthetic`` (generated frames for tests). Needs the packages
opencv-python, mss and av; without them the plugin stays inactive and
``nok plugins list`` says which is missing. Registers itself under the entry-point group
``nok`` as ``video_capture`` (module ``plugins.video_capture.hooks``). Capturing arrives
in a later version.
"""
