import Foundation
import SlipwayModel
import GRDB

extension SQLiteStore {
    public func recordWebhookDelivery(_ delivery: WebhookDelivery) async throws(StoreError) -> Bool {
        try Validation.nonEmpty(delivery.id, field: "delivery.id")
        let row = WebhookDeliveryRow(id: delivery.id, event: delivery.event, receivedAt: delivery.receivedAt.storeMilliseconds)
        return try await write { db in
            // INSERT OR IGNORE on the primary key: exactly one of two concurrent deliveries inserts.
            try row.insert(db, onConflict: .ignore)
            return db.changesCount == 1
        }
    }

    public func pruneWebhookDeliveries(receivedBefore date: Date) async throws(StoreError) -> Int {
        let cutoff = date.storeMilliseconds
        return try await write { db in
            try WebhookDeliveryRow.filter(Column("received_at") < cutoff).deleteAll(db)
        }
    }
}
