"""Where gaze goes: streams to other programs, recordings on disk, the gaze CSV and its reader."""
