import SlipwayCLI

@main
struct Entrypoint {
    static func main() async {
        await SlipwayMain.run()
    }
}
