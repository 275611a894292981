//! The central bundle (`strada-central`): see the library's note.

fn main() {
    strada_app::start_central();
}
