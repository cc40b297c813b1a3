//! Support for ssewire's tests over real HTTP (loopback only).
