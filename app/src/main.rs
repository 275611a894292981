//! The field bundle (`strada-app`): see the library's note.

fn main() {
    strada_app::start_field();
}
