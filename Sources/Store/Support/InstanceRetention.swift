/// How long the row of an instance that stopped heartbeating is kept (for people reading the table) before a new
/// registration deletes it: a day.
enum InstanceRetention {
    static let milliseconds: Int64 = 24 * 3600 * 1000
}
