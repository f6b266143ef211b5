package com.acme.shop

import android.os.Bundle
import androidx.appcompat.app.AppCompatActivity
import com.segment.analytics.kotlin.android.Analytics
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.put

class ProductActivity : AppCompatActivity() {
    private lateinit var analytics: com.segment.analytics.kotlin.core.Analytics
    private val productId: String by lazy { intent.getStringExtra("product_id") ?: "" }

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        analytics = Analytics("WRITE_KEY", applicationContext)
        analytics.track("Product Viewed", buildJsonObject {
            put("product_id", productId)
            put("position", 0)
        })
    }

    fun addToCart(quantity: Int) {
        analytics.track("Product Added", buildJsonObject {
            put("product_id", productId)
            put("quantity", quantity)
        })
    }
}
