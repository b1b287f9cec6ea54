//! Every message the domain shows to users, in one place, so the UI can
//! offer each in every language it speaks (the app's test checks that each
//! one has a translation).

/// A role name is taken.
pub const ROLE_NAME_TAKEN: &str = "A role with this name already exists.";
/// An email is taken.
pub const EMAIL_TAKEN: &str = "A user with this email already exists.";
/// The new password equals the old.
pub const PASSWORD_UNCHANGED: &str = "Choose a password different from the current one.";
/// A name is required.
pub const NAME_REQUIRED: &str = "Enter a name.";
/// An email is malformed.
pub const EMAIL_INVALID: &str = "Enter an email address such as name@example.com.";
/// A chosen role vanished.
pub const ROLE_MISSING: &str = "One of the chosen roles no longer exists.";
/// The admin role is gone.
pub const ADMIN_ROLE_MISSING: &str =
    "The built-in admin role was deleted; create the administrator in the UI.";
/// The current password is wrong.
pub const CURRENT_PASSWORD_WRONG: &str = "The current password is wrong.";
/// Any failed sign-in.
pub const LOGIN_FAILED: &str =
    "The email or password is wrong, or the account is locked for a while after repeated failures.";
/// The password equals the email.
pub const PASSWORD_IS_EMAIL: &str = "The password must not be your email address.";
/// The last administrator would go.
pub const LAST_ADMIN: &str =
    "This change would leave no active user who can administer users and roles.";
/// A common password.
pub const PASSWORD_COMMON: &str = "This password is too common; choose another.";
/// An unknown permission code.
pub const UNKNOWN_PERMISSION: &str = "One of the permissions is not in the catalogue.";
/// Granting a permission the actor lacks (to a role, a user or a token).
pub const GRANT_BEYOND_OWN: &str = "You can only grant permissions you hold yourself.";
/// Changing a role that holds a permission the actor lacks.
pub const ROLE_BEYOND_OWN: &str =
    "You can only change roles whose permissions you all hold yourself.";
/// Administering a user who holds a permission the actor lacks.
pub const USER_BEYOND_OWN: &str = "You can only administer users who hold no permission you lack.";
/// Changing one's own roles.
pub const OWN_ROLES: &str = "You cannot change your own roles; ask another administrator.";
/// Joining a queue widens what tickets one sees.
pub const QUEUE_SELF: &str =
    "Only a user who may read every ticket can add themselves to a queue; ask one.";
/// Changing or deleting a role one holds.
pub const OWN_ROLE: &str =
    "You cannot change the permissions of a role you hold, or delete it; ask another administrator.";
/// Too short a password.
pub const PASSWORD_TOO_SHORT: &str = "Use at least 10 characters.";
/// Too long a role name.
pub const MAX_100: &str = "Use at most 100 characters.";
/// Too long a password.
pub const MAX_1024: &str = "Use at most 1024 characters.";
/// Too long a user name.
pub const MAX_200: &str = "Use at most 200 characters.";
/// Too long a description.
pub const MAX_500: &str = "Use at most 500 characters.";

/// An unknown customer kind.
pub const CUSTOMER_KIND: &str = "Choose company or person.";
/// A malformed phone number.
pub const PHONE_INVALID: &str = "Enter a phone number with 6 to 15 digits, such as +49 30 1234567.";
/// Too long a short text.
pub const MAX_60: &str = "Use at most 60 characters.";
/// A malformed currency.
pub const CURRENCY_INVALID: &str = "Enter a three-letter currency code such as EUR.";
/// A negative amount.
pub const NOT_NEGATIVE: &str = "Enter zero or more.";
/// Payment terms out of range.
pub const TERMS_RANGE: &str = "Enter between 0 and 365 days.";
/// A malformed tag.
pub const TAG_INVALID: &str = "Tags are at most 40 characters and contain no commas.";
/// An unknown or inactive owner.
pub const OWNER_INVALID: &str = "Choose an active user as the owner.";
/// Contacts on a person.
pub const CONTACTS_COMPANY_ONLY: &str = "Only companies have contacts.";

/// A malformed amount.
pub const AMOUNT_INVALID: &str = "Enter an amount such as 1234.50.";

/// A value is not allowed here.
pub const STATUS_INVALID: &str = "Choose one of the offered values.";
/// An unknown lead source.
pub const SOURCE_INVALID: &str = "Choose web, referral, campaign, event or other.";
/// The campaign does not exist.
pub const CAMPAIGN_MISSING: &str = "Choose an existing campaign.";
/// Only new leads can be qualified.
pub const LEAD_NOT_NEW: &str = "Only a new lead can be qualified.";
/// The lead is already converted or disqualified.
pub const LEAD_CLOSED: &str = "This lead is already converted or disqualified.";
/// Convert needs a qualified lead.
pub const LEAD_NOT_QUALIFIED: &str = "Qualify the lead before converting it.";
/// A reason is required.
pub const REASON_REQUIRED: &str = "Enter a reason.";
/// A title is required.
pub const TITLE_REQUIRED: &str = "Enter a title.";
/// A date is malformed.
pub const DATE_INVALID: &str = "Enter a date such as 2026-12-31.";
/// Probability out of range.
pub const PROBABILITY_RANGE: &str = "Enter a probability between 0 and 100.";
/// The stage does not exist.
pub const STAGE_MISSING: &str = "Choose an existing stage.";
/// Someone else moved the card.
pub const STAGE_CHANGED: &str =
    "Someone else moved this opportunity meanwhile; the board has been refreshed.";
/// A stage cannot be both.
pub const STAGE_WON_AND_LOST: &str = "A stage cannot be both won and lost.";
/// Stage in use.
pub const STAGE_IN_USE: &str = "Opportunities are in this stage; move them before deleting it.";
/// The last open stage.
pub const STAGE_LAST_OPEN: &str = "The pipeline needs at least one open stage.";
/// Contact of another customer.
pub const CONTACT_MISMATCH: &str = "Choose a contact of this customer.";
/// Opportunity of another customer.
pub const OPPORTUNITY_MISMATCH: &str = "Choose an opportunity of this customer.";
/// The customer does not exist or is out of scope.
pub const CUSTOMER_MISSING: &str = "Choose an existing customer.";
/// Unknown activity kind.
pub const ACTIVITY_KIND: &str = "Choose call, email, meeting, task or note.";
/// Unknown channel.
pub const CHANNEL_INVALID: &str = "Choose email, web, event, social, print or other.";
/// End before start.
pub const DATES_ORDER: &str = "The end date must not be before the start date.";
/// Merge into itself.
pub const MERGE_SAME: &str = "Choose two different customers.";
/// Already merged.
pub const MERGE_MERGED: &str = "This customer was already merged into another.";
/// Nothing selected.
pub const SELECT_SOME: &str = "Select at least one row.";
/// Too many rows selected.
pub const TOO_MANY: &str = "Select at most 500 rows at a time.";

/// Too long a body.
pub const TOO_LONG: &str = "Use at most 10,000 characters.";

/// A team name is taken.
pub const TEAM_TAKEN: &str = "A team with this name already exists.";
/// A chosen team vanished.
pub const TEAM_MISSING: &str = "Choose an existing team.";

/// Enter a SKU
pub const SKU_REQUIRED: &str = "Enter a SKU.";
/// Use up to 64 letters, digits, dots, dashes or underscores in a SKU
pub const SKU_INVALID: &str = "Use up to 64 letters, digits, dots, dashes or underscores in a SKU.";
/// A product with this SKU already exists
pub const SKU_TAKEN: &str = "A product with this SKU already exists.";
/// A barcode is 4 to 64 letters or digits
pub const BARCODE_INVALID: &str = "A barcode is 4 to 64 letters or digits.";
/// Another product has this barcode
pub const BARCODE_TAKEN: &str = "Another product has this barcode.";
/// Enter a unit such as pcs or kg (at most 20 characters)
pub const UNIT_REQUIRED: &str = "Enter a unit such as pcs or kg (at most 20 characters).";
/// Enter a percentage between 0 and 100, with at most two decimals
pub const RATE_RANGE: &str = "Enter a percentage between 0 and 100, with at most two decimals.";
/// Use 1 to 20 letters, digits or dashes for a warehouse code
pub const WAREHOUSE_CODE_INVALID: &str =
    "Use 1 to 20 letters, digits or dashes for a warehouse code.";
/// A warehouse with this code already exists
pub const WAREHOUSE_CODE_TAKEN: &str = "A warehouse with this code already exists.";
/// Choose an active warehouse
pub const WAREHOUSE_MISSING: &str = "Choose an active warehouse.";
/// Choose an active product
pub const PRODUCT_MISSING: &str = "Choose an active product.";
/// Enter a whole quantity from 1 to 1,000,000
pub const QUANTITY_RANGE: &str = "Enter a whole quantity from 1 to 1,000,000.";
/// Enter a whole quantity from -1,000,000 to 1,000,000, not zero
pub const ADJUST_RANGE: &str = "Enter a whole quantity from -1,000,000 to 1,000,000, not zero.";
/// This would leave less on hand than is reserved for orders
pub const STOCK_BELOW_RESERVED: &str = "This would leave less on hand than is reserved for orders.";
/// Choose two different warehouses
pub const TRANSFER_SAME: &str = "Choose two different warehouses.";
/// Not enough unreserved stock in the source warehouse
pub const TRANSFER_SHORT: &str = "Not enough unreserved stock in the source warehouse.";
/// Add at least one line
pub const ORDER_NO_LINES: &str = "Add at least one line.";
/// An order has at most 200 lines
pub const ORDER_TOO_MANY_LINES: &str = "An order has at most 200 lines.";
/// Only a quote can be edited; this order is already confirmed or cancelled
pub const ORDER_NOT_DRAFT: &str =
    "Only a quote can be edited; this order is already confirmed or cancelled.";
/// This order is cancelled
pub const ORDER_CANCELLED: &str = "This order is cancelled.";
/// An order cannot be cancelled once anything has shipped
pub const ORDER_CANNOT_CANCEL: &str = "An order cannot be cancelled once anything has shipped.";
/// This step is not allowed in the order's current state
pub const TRANSITION_REFUSED: &str = "This step is not allowed in the order's current state.";
/// This order needs approval: it takes the customer over their credit limit
pub const NEEDS_APPROVAL_CREDIT: &str =
    "This order needs approval: it takes the customer over their credit limit.";
/// This order needs approval: a discount is above the approval threshold
pub const NEEDS_APPROVAL_DISCOUNT: &str =
    "This order needs approval: a discount is above the approval threshold.";
/// This order needs approval: it exceeds the credit limit and a discount is above the threshold
pub const NEEDS_APPROVAL_BOTH: &str =
    "This order needs approval: it exceeds the credit limit and a discount is above the threshold.";
/// This order does not need an approval
pub const APPROVAL_NOT_NEEDED: &str = "This order does not need an approval.";
/// A line's tax rate is not its product's; an approver must accept it
pub const NEEDS_APPROVAL_TAX: &str =
    "This order needs approval: a line's tax rate differs from its product's tax rate.";
/// More than one approval rule applies (credit limit, discount, tax rate)
pub const NEEDS_APPROVAL_SEVERAL: &str =
    "This order needs approval: it breaks more than one rule (credit limit, discount or tax rate).";
/// The customer's currency is not the currency of the list prices
pub const QUOTE_CURRENCY_MISMATCH: &str = "This customer's currency differs from the currency of the list prices; until price lists exist, quotes can only be made in the list prices' currency.";
/// Nothing reserved is left to ship on this order
pub const NOTHING_TO_SHIP: &str = "Nothing reserved is left to ship on this order.";
/// Ship at most what is reserved and not already in another shipment
pub const SHIP_TOO_MUCH: &str =
    "Ship at most what is reserved and not already in another shipment.";
/// This shipment has already shipped or been cancelled
pub const SHIPMENT_NOT_OPEN: &str = "This shipment has already shipped or been cancelled.";
/// Enter the carrier
pub const CARRIER_REQUIRED: &str = "Enter the carrier.";
/// Choose lines of this order
pub const LINE_MISMATCH: &str = "Choose lines of this order.";

/// This amount is too large
pub const AMOUNT_TOO_LARGE: &str = "This amount is too large.";
/// Nothing shipped is left to invoice on this order
pub const NOTHING_TO_INVOICE: &str = "Nothing shipped is left to invoice on this order.";
/// Only a shipped shipment can be invoiced
pub const SHIPMENT_NOT_SHIPPED: &str = "Only a shipped shipment can be invoiced.";
/// This shipment is already invoiced
pub const SHIPMENT_INVOICED: &str = "This shipment is already invoiced.";
/// The invoice changed meanwhile; reload and try again
pub const INVOICE_CHANGED: &str = "The invoice changed meanwhile; reload and try again.";
/// Enter an amount greater than zero
pub const AMOUNT_POSITIVE: &str = "Enter an amount greater than zero.";
/// Choose a payment method
pub const METHOD_INVALID: &str = "Choose a payment method.";
/// Enter the date received (not in the future)
pub const PAID_ON_INVALID: &str = "Enter the date received (not in the future).";
/// This invoice is cancelled
pub const INVOICE_CANCELLED: &str = "This invoice is cancelled.";
/// This invoice is already paid in full
pub const INVOICE_SETTLED: &str = "This invoice is already paid in full.";
/// The payment is more than the invoice still owes. Enter at most the amount owed, or keep the difference as customer credit
pub const OVERPAYMENT: &str =
    "The payment is more than the invoice still owes. Enter at most the amount owed, or keep the difference as customer credit.";
/// The customer's credit balance is smaller than this amount
pub const CREDIT_SHORT: &str = "The customer's credit balance is smaller than this amount.";
/// Credit at most what was invoiced and not already credited
pub const CREDIT_TOO_MUCH: &str = "Credit at most what was invoiced and not already credited.";
/// Nothing on this invoice is left to credit
pub const NOTHING_TO_CREDIT: &str = "Nothing on this invoice is left to credit.";
/// An invoice with payments or credit notes cannot be cancelled; issue a credit note instead
pub const INVOICE_HAS_SETTLEMENTS: &str =
    "An invoice with payments or credit notes cannot be cancelled; issue a credit note instead.";
/// Enter a lead time from 0 to 365 days
pub const LEAD_TIME_RANGE: &str = "Enter a lead time from 0 to 365 days.";
/// Use at most 2000 characters
pub const MAX_2000: &str = "Use at most 2000 characters.";
/// A supplier with this name already exists
pub const SUPPLIER_NAME_TAKEN: &str = "A supplier with this name already exists.";
/// Choose an active supplier
pub const SUPPLIER_MISSING: &str = "Choose an active supplier.";
/// This step is not allowed in the purchase order's current state
pub const PO_TRANSITION_REFUSED: &str =
    "This step is not allowed in the purchase order's current state.";
/// Goods can be received only on a sent or partly received purchase order
pub const PO_NOT_RECEIVABLE: &str =
    "Goods can be received only on a sent or partly received purchase order.";
/// Receive at most what is still outstanding on the line
pub const RECEIVE_TOO_MUCH: &str = "Receive at most what is still outstanding on the line.";
/// Nothing is left to receive on this purchase order
pub const NOTHING_TO_RECEIVE: &str = "Nothing is left to receive on this purchase order.";
/// Enter a reorder point from 0 to 1,000,000
pub const REORDER_POINT_RANGE: &str = "Enter a reorder point from 0 to 1,000,000.";
/// Choose at least one suggestion
pub const CHOOSE_SUGGESTIONS: &str = "Choose at least one suggestion.";
/// This suggestion no longer applies; reload the page
pub const SUGGESTION_GONE: &str = "This suggestion no longer applies; reload the page.";
/// No active supplier sells this product; add a supplier price first
pub const NO_SUPPLIER: &str = "No active supplier sells this product; add a supplier price first.";

/// Choose an order of this customer
pub const ORDER_NOT_CUSTOMERS: &str = "Choose an order of this customer.";
/// Choose a shipment of this customer's order
pub const SHIPMENT_NOT_ORDERS: &str = "Choose a shipment of this customer's order.";
/// Enter a subject
pub const SUBJECT_REQUIRED: &str = "Enter a subject.";
/// Choose one of the listed options
pub const CHOICE_INVALID: &str = "Choose one of the listed options.";
/// Choose an existing queue
pub const QUEUE_MISSING: &str = "Choose an existing queue.";
/// Someone else changed this ticket meanwhile; reload and try again
pub const TICKET_CHANGED: &str =
    "Someone else changed this ticket meanwhile; reload and try again.";
/// This status change is not allowed from the ticket's current status
pub const TICKET_TRANSITION_REFUSED: &str =
    "This status change is not allowed from the ticket's current status.";
/// Write something first
pub const COMMENT_REQUIRED: &str = "Write something first.";
/// Choose a score from 1 to 5
pub const RATING_RANGE: &str = "Choose a score from 1 to 5.";
/// Use at most 1000 characters
pub const MAX_1000: &str = "Use at most 1000 characters.";
/// This rating link was already used or is no longer valid
pub const RATING_LINK_USED: &str = "This rating link was already used or is no longer valid.";
/// A queue with this name already exists
pub const QUEUE_NAME_TAKEN: &str = "A queue with this name already exists.";
/// Enter a UTC offset from -14:00 to +14:00
pub const OFFSET_INVALID: &str = "Enter a UTC offset from -14:00 to +14:00.";
/// Choose at least one working day
pub const WORKING_DAYS_REQUIRED: &str = "Choose at least one working day.";
/// The working day must end after it starts
pub const HOURS_INVALID: &str = "The working day must end after it starts.";
/// Enter a target from 1 minute to 365 days
pub const TARGET_INVALID: &str = "Enter a target from 1 minute to 365 days.";
/// The resolution target cannot be shorter than the first-response target
pub const RESOLUTION_BEFORE_RESPONSE: &str =
    "The resolution target cannot be shorter than the first-response target.";
/// Returns are requested on tickets of the kind Return
pub const RETURN_NEEDS_RETURN_TICKET: &str = "Returns are requested on tickets of the kind Return.";
/// Choose a shipped order of this customer
pub const RETURN_ORDER_INVALID: &str = "Choose a shipped order of this customer.";
/// Return at most what shipped and has not already come back or been requested
pub const RETURN_TOO_MUCH: &str =
    "Return at most what shipped and has not already come back or been requested.";
/// Enter a quantity to return on at least one line
pub const RETURN_NOTHING: &str = "Enter a quantity to return on at least one line.";
/// This return was already approved or rejected
pub const RETURN_DECIDED: &str = "This return was already approved or rejected.";
/// Part of these goods is not invoiced yet; raise the invoice first so the credit note can reverse it
pub const RETURN_NOT_INVOICED: &str =
    "Part of these goods is not invoiced yet; raise the invoice first so the credit note can reverse it.";
/// A credit note without a return is issued on a complaint ticket
pub const CREDIT_NEEDS_COMPLAINT: &str =
    "A credit note without a return is issued on a complaint ticket.";
/// Choose an invoice of this customer
pub const INVOICE_NOT_CUSTOMERS: &str = "Choose an invoice of this customer.";
/// Write the article's text
pub const BODY_REQUIRED: &str = "Write the article's text.";
/// Use at most 50,000 characters
pub const MAX_50000: &str = "Use at most 50,000 characters.";
/// Leave this field empty
pub const HONEYPOT: &str = "Leave this field empty.";
/// Describe what you need
pub const DESCRIPTION_REQUIRED: &str = "Describe what you need.";
/// We could not find this order number for your email address; check it or leave it empty
pub const ORDER_NUMBER_UNKNOWN: &str =
    "We could not find this order number for your email address; check it or leave it empty.";
/// Created from the public support form; review and complete
pub const CUSTOMER_FROM_SUPPORT: &str =
    "Created from the public support form; review and complete.";
/// A search of more words than the search reads.
pub const SEARCH_TOO_MANY_WORDS: &str = "Search for at most 10 words.";
/// A search word longer than any word worth looking for.
pub const SEARCH_WORD_TOO_LONG: &str = "Use words of at most 50 characters.";

/// Choose one of the listed periods
pub const PERIOD_INVALID: &str = "Choose one of the listed periods.";
/// Enter a date
pub const DATE_REQUIRED: &str = "Enter a date.";
/// Choose a period of at most ten years
pub const PERIOD_TOO_LONG: &str = "Choose a period of at most ten years.";

/// Every message above.
pub const ALL: &[&str] = &[
    SEARCH_TOO_MANY_WORDS,
    SEARCH_WORD_TOO_LONG,
    PERIOD_INVALID,
    DATE_REQUIRED,
    PERIOD_TOO_LONG,
    ORDER_NOT_CUSTOMERS,
    SHIPMENT_NOT_ORDERS,
    SUBJECT_REQUIRED,
    CHOICE_INVALID,
    QUEUE_MISSING,
    TICKET_CHANGED,
    TICKET_TRANSITION_REFUSED,
    COMMENT_REQUIRED,
    RATING_RANGE,
    MAX_1000,
    RATING_LINK_USED,
    QUEUE_NAME_TAKEN,
    OFFSET_INVALID,
    WORKING_DAYS_REQUIRED,
    HOURS_INVALID,
    TARGET_INVALID,
    RESOLUTION_BEFORE_RESPONSE,
    RETURN_NEEDS_RETURN_TICKET,
    RETURN_ORDER_INVALID,
    RETURN_TOO_MUCH,
    RETURN_NOTHING,
    RETURN_DECIDED,
    RETURN_NOT_INVOICED,
    CREDIT_NEEDS_COMPLAINT,
    INVOICE_NOT_CUSTOMERS,
    BODY_REQUIRED,
    MAX_50000,
    HONEYPOT,
    DESCRIPTION_REQUIRED,
    ORDER_NUMBER_UNKNOWN,
    CUSTOMER_FROM_SUPPORT,
    AMOUNT_TOO_LARGE,
    NOTHING_TO_INVOICE,
    SHIPMENT_NOT_SHIPPED,
    SHIPMENT_INVOICED,
    INVOICE_CHANGED,
    AMOUNT_POSITIVE,
    METHOD_INVALID,
    PAID_ON_INVALID,
    INVOICE_CANCELLED,
    INVOICE_SETTLED,
    OVERPAYMENT,
    CREDIT_SHORT,
    CREDIT_TOO_MUCH,
    NOTHING_TO_CREDIT,
    INVOICE_HAS_SETTLEMENTS,
    LEAD_TIME_RANGE,
    MAX_2000,
    SUPPLIER_NAME_TAKEN,
    SUPPLIER_MISSING,
    PO_TRANSITION_REFUSED,
    PO_NOT_RECEIVABLE,
    RECEIVE_TOO_MUCH,
    NOTHING_TO_RECEIVE,
    REORDER_POINT_RANGE,
    CHOOSE_SUGGESTIONS,
    SUGGESTION_GONE,
    NO_SUPPLIER,
    SKU_REQUIRED,
    SKU_INVALID,
    SKU_TAKEN,
    BARCODE_INVALID,
    BARCODE_TAKEN,
    UNIT_REQUIRED,
    RATE_RANGE,
    WAREHOUSE_CODE_INVALID,
    WAREHOUSE_CODE_TAKEN,
    WAREHOUSE_MISSING,
    PRODUCT_MISSING,
    QUANTITY_RANGE,
    ADJUST_RANGE,
    STOCK_BELOW_RESERVED,
    TRANSFER_SAME,
    TRANSFER_SHORT,
    ORDER_NO_LINES,
    ORDER_TOO_MANY_LINES,
    ORDER_NOT_DRAFT,
    ORDER_CANCELLED,
    ORDER_CANNOT_CANCEL,
    TRANSITION_REFUSED,
    NEEDS_APPROVAL_CREDIT,
    NEEDS_APPROVAL_DISCOUNT,
    NEEDS_APPROVAL_BOTH,
    APPROVAL_NOT_NEEDED,
    NEEDS_APPROVAL_TAX,
    NEEDS_APPROVAL_SEVERAL,
    QUOTE_CURRENCY_MISMATCH,
    NOTHING_TO_SHIP,
    SHIP_TOO_MUCH,
    SHIPMENT_NOT_OPEN,
    CARRIER_REQUIRED,
    LINE_MISMATCH,
    ROLE_NAME_TAKEN,
    EMAIL_TAKEN,
    PASSWORD_UNCHANGED,
    NAME_REQUIRED,
    EMAIL_INVALID,
    ROLE_MISSING,
    ADMIN_ROLE_MISSING,
    CURRENT_PASSWORD_WRONG,
    LOGIN_FAILED,
    PASSWORD_IS_EMAIL,
    LAST_ADMIN,
    PASSWORD_COMMON,
    UNKNOWN_PERMISSION,
    GRANT_BEYOND_OWN,
    ROLE_BEYOND_OWN,
    USER_BEYOND_OWN,
    OWN_ROLES,
    QUEUE_SELF,
    OWN_ROLE,
    PASSWORD_TOO_SHORT,
    MAX_100,
    MAX_1024,
    MAX_200,
    MAX_500,
    CUSTOMER_KIND,
    PHONE_INVALID,
    MAX_60,
    CURRENCY_INVALID,
    NOT_NEGATIVE,
    TERMS_RANGE,
    TAG_INVALID,
    OWNER_INVALID,
    CONTACTS_COMPANY_ONLY,
    AMOUNT_INVALID,
    STATUS_INVALID,
    SOURCE_INVALID,
    CAMPAIGN_MISSING,
    LEAD_NOT_NEW,
    LEAD_CLOSED,
    LEAD_NOT_QUALIFIED,
    REASON_REQUIRED,
    TITLE_REQUIRED,
    DATE_INVALID,
    PROBABILITY_RANGE,
    STAGE_MISSING,
    STAGE_CHANGED,
    STAGE_WON_AND_LOST,
    STAGE_IN_USE,
    STAGE_LAST_OPEN,
    CONTACT_MISMATCH,
    OPPORTUNITY_MISMATCH,
    CUSTOMER_MISSING,
    ACTIVITY_KIND,
    CHANNEL_INVALID,
    DATES_ORDER,
    MERGE_SAME,
    MERGE_MERGED,
    SELECT_SOME,
    TOO_MANY,
    TOO_LONG,
    TEAM_TAKEN,
    TEAM_MISSING,
    TOKEN_OWNER_UNKNOWN,
    TOKEN_EXPIRY_PAST,
    TOKEN_NO_PERMISSIONS,
    TOKEN_BEYOND_OWNER,
    IDEMPOTENCY_KEY_INVALID,
    IDEMPOTENCY_KEY_REUSED,
    IDEMPOTENCY_IN_PROGRESS,
    WEBHOOK_URL_INVALID,
    WEBHOOK_EVENTS_REQUIRED,
    WEBHOOK_EVENT_UNKNOWN,
    WEBHOOK_STATUS_UNKNOWN,
    WEBHOOK_URL_CREDENTIALS,
    WEBHOOK_URL_INTERNAL,
    WEBHOOK_TIMED_OUT,
    WEBHOOK_REFUSED,
    WEBHOOK_NOT_ALLOWED,
    WEBHOOK_UNRESOLVED,
    WEBHOOK_CONNECTION_FAILED,
    IMPORT_ENCODING,
    IMPORT_UNREADABLE,
    IMPORT_EMPTY,
    IMPORT_COLUMN_MISSING,
    IMPORT_FIELD_UNMAPPED,
    IMPORT_FIELD_UNKNOWN,
    IMPORT_VALUE_REQUIRED,
    IMPORT_NUMBER,
    IMPORT_USER_UNKNOWN,
    IMPORT_CUSTOMER_UNKNOWN,
    IMPORT_YES_NO,
    IMPORT_PRODUCT_UNKNOWN,
    IMPORT_WAREHOUSE_UNKNOWN,
    IMPORT_SUPPLIER_UNKNOWN,
    IMPORT_NOT_PERMITTED,
    IMPORT_RECORD_MISSING,
    IMPORT_ROW_FAILED,
    IMPORT_RUNNING,
    RECORD_WITHHELD,
];
/// A token's owner is unknown or deactivated.
pub const TOKEN_OWNER_UNKNOWN: &str = "Choose an active user as the token's owner.";
/// A token's expiry is not in the future.
pub const TOKEN_EXPIRY_PAST: &str = "Choose an expiry in the future, or none.";
/// A token with no permissions.
pub const TOKEN_NO_PERMISSIONS: &str = "Choose at least one permission.";
/// A token asking for more than its owner holds.
pub const TOKEN_BEYOND_OWNER: &str = "A token can only have permissions its owner holds.";
/// A malformed `Idempotency-Key`.
pub const IDEMPOTENCY_KEY_INVALID: &str =
    "Use 1 to 200 visible ASCII characters as the Idempotency-Key.";
/// An `Idempotency-Key` reused with another request.
pub const IDEMPOTENCY_KEY_REUSED: &str =
    "This Idempotency-Key was already used with a different request.";
/// A request with the same `Idempotency-Key` is still running.
pub const IDEMPOTENCY_IN_PROGRESS: &str =
    "A request with this Idempotency-Key is still being processed; retry in a moment.";
/// A webhook address that is not http(s).
pub const WEBHOOK_URL_INVALID: &str = "Enter an http:// or https:// address.";
/// A webhook with no event types.
pub const WEBHOOK_EVENTS_REQUIRED: &str = "Choose at least one event type.";
/// A webhook event type not in the list.
pub const WEBHOOK_EVENT_UNKNOWN: &str = "Choose event types from the list.";
/// A delivery status filter not in the list.
pub const WEBHOOK_STATUS_UNKNOWN: &str = "Choose pending, delivered or failed.";
/// A webhook address with a user name or password in it.
pub const WEBHOOK_URL_CREDENTIALS: &str =
    "Leave the user name and password out of the address; deliveries are signed instead.";
/// A webhook address that is local, private, link-local, reserved or a
/// cloud metadata address, outside the networks the operator allows.
pub const WEBHOOK_URL_INTERNAL: &str =
    "Enter a public address: webhooks cannot reach local, private, link-local or metadata addresses unless the operator allows that network.";
/// A delivery's failure reason: no answer in time.
pub const WEBHOOK_TIMED_OUT: &str = "timed out";
/// A delivery's failure reason: the connection was refused.
pub const WEBHOOK_REFUSED: &str = "connection refused";
/// A delivery's failure reason: the address is internal and not allowed.
pub const WEBHOOK_NOT_ALLOWED: &str = "address not allowed";
/// A delivery's failure reason: the name did not resolve.
pub const WEBHOOK_UNRESOLVED: &str = "name not resolved";
/// A delivery's failure reason: any other connection failure.
pub const WEBHOOK_CONNECTION_FAILED: &str = "connection failed";
/// A file that is neither UTF-8 nor GBK.
pub const IMPORT_ENCODING: &str = "Save the file as CSV in UTF-8 (or GBK) and upload it again.";
/// An unreadable CSV file.
pub const IMPORT_UNREADABLE: &str = "The file could not be read as CSV.";
/// A CSV file without a header row.
pub const IMPORT_EMPTY: &str = "The file has no header row.";
/// A mapped column the file lacks.
pub const IMPORT_COLUMN_MISSING: &str = "The file has no such column.";
/// A required field without a column.
pub const IMPORT_FIELD_UNMAPPED: &str = "Choose the column for this required field.";
/// A mapping to a field the kind lacks.
pub const IMPORT_FIELD_UNKNOWN: &str = "Map columns only to the listed fields.";
/// An empty required cell.
pub const IMPORT_VALUE_REQUIRED: &str = "This value is required.";
/// A cell that is not a whole number.
pub const IMPORT_NUMBER: &str = "Enter a whole number.";
/// An owner email of no active user.
pub const IMPORT_USER_UNKNOWN: &str = "No active user has this email.";
/// A customer code that does not exist.
pub const IMPORT_CUSTOMER_UNKNOWN: &str = "No customer has this code.";
/// A yes/no cell with something else.
pub const IMPORT_YES_NO: &str = "Enter yes or no.";
/// A SKU of no product.
pub const IMPORT_PRODUCT_UNKNOWN: &str = "No product has this SKU.";
/// A warehouse code that does not exist.
pub const IMPORT_WAREHOUSE_UNKNOWN: &str = "No warehouse has this code.";
/// A supplier name that does not exist.
pub const IMPORT_SUPPLIER_UNKNOWN: &str = "No supplier has this name.";
/// A row the importer may not write.
pub const IMPORT_NOT_PERMITTED: &str = "You may not change this record.";
/// A row naming a record out of reach.
pub const IMPORT_RECORD_MISSING: &str =
    "The record this row names does not exist or is out of your reach.";
/// A row that failed for a reason the user cannot fix.
pub const IMPORT_ROW_FAILED: &str =
    "This row could not be saved; try again or ask an administrator.";
/// Another import of the kind is running.
pub const IMPORT_RUNNING: &str =
    "An import of this kind is running; start this one when it has finished.";
/// In a derived view (dashboard, report, analysis), the name of a record
/// its viewer may not open, whose figures the view still counts.
pub const RECORD_WITHHELD: &str = "(not yours to open)";
