import SlipwayModel
import GRDB

struct ConfigVarRow: StoreRecord {
    static let databaseTableName = "config_vars"

    var app: String
    var name: String
    var value: String
}

struct GeneratedSecretRow: StoreRecord {
    static let databaseTableName = "generated_secrets"

    var app: String
    var name: String
    var value: String
    var createdAt: Int64
}
