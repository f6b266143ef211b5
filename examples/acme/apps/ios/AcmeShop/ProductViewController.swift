import Segment
import UIKit

final class ProductViewController: UIViewController {
    let analytics: Analytics
    let productId: String

    init(analytics: Analytics, productId: String) {
        self.analytics = analytics
        self.productId = productId
        super.init(nibName: nil, bundle: nil)
    }

    required init?(coder: NSCoder) { fatalError("not used") }

    override func viewDidAppear(_ animated: Bool) {
        super.viewDidAppear(animated)
        analytics.track(name: "Product Viewed", properties: ["product_id": productId, "position": 0])
    }

    @objc func addToCart() {
        analytics.track(name: "Product Added", properties: ["product_id": productId, "quantity": 1])
    }

    func beginCheckout(total: Double) {
        analytics.track(name: "Checkout Started", properties: ["cart_value": total, "currency": "EUR"])
    }
}
