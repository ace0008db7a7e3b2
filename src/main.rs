fn main() -> std::process::ExitCode {
    depeche::cli::run()
}
