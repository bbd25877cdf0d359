//! The GraphQL operations the console runs, one document each, as an integrator would send them: the console's
//! whole use of the API is in `operations/` (and a test runs each against the committed schema).

macro_rules! operations {
    ($($name:ident = $file:literal;)*) => {
        $(
            #[doc = concat!("`operations/", $file, "`.")]
            pub const $name: &str = include_str!(concat!("../operations/", $file));
        )*
        /// Every operation, by file name.
        pub const ALL: &[(&str, &str)] = &[$(($file, $name)),*];
    };
}

operations! {
    OFFICES = "offices.graphql";
    LOGIN = "login.graphql";
    INBOX = "inbox.graphql";
    SEARCH = "search.graphql";
    SERVICES = "services.graphql";
    SERVICE_FORM = "service_form.graphql";
    FORM_STATE = "form_state.graphql";
    SUBMIT = "submit.graphql";
    ATTACH = "attach.graphql";
    RECEIPT = "receipt.graphql";
    RECEIPT_PDF = "receipt_pdf.graphql";
    DETAIL = "detail.graphql";
    DETAIL_SERVICE = "detail_service.graphql";
    REGISTRY_CHECKS = "registry_checks.graphql";
    REGISTRY_SNAPSHOTS = "registry_snapshots.graphql";
    IMPORT_REGISTRY = "import_registry.graphql";
    ACCOUNTS = "accounts.graphql";
    STUDIO_OFFICES = "studio_offices.graphql";
    STUDIO_SERVICES = "studio_services.graphql";
    STUDIO = "studio.graphql";
    CHECK_DEFINITION = "check_definition.graphql";
    SAVE_DRAFT = "save_draft.graphql";
    SUBMIT_FOR_REVIEW = "submit_for_review.graphql";
    REVIEW_VERSION = "review_version.graphql";
    PUBLISH_VERSION = "publish_version.graphql";
    ROLLBACK_VERSION = "rollback_version.graphql";
    VERSION_DIFF = "version_diff.graphql";
    SET_REVIEW_RULE = "set_review_rule.graphql";
    PROVINCE_RULE = "province_rule.graphql";
    PLAN_MOVE = "plan_move.graphql";
    SIMULATE = "simulate.graphql";
    PREVIEW_PRODUCT = "preview_product.graphql";
    PREVIEW_FORM = "preview_form.graphql";
    OFFICE_FILE = "office_file.graphql";
    CHECK_OFFICE_FILE = "check_office_file.graphql";
    SAVE_OFFICE_FILE = "save_office_file.graphql";
    OFFICE_FILE_DIFF = "office_file_diff.graphql";
    LETTER_TEMPLATES = "letter_templates.graphql";
    LETTER_TEMPLATE = "letter_template.graphql";
    CHECK_LETTER_TEMPLATE = "check_letter_template.graphql";
    SAVE_LETTER_TEMPLATE = "save_letter_template.graphql";
    RESTORE_LETTER_TEMPLATE = "restore_letter_template.graphql";
    UPLOAD_LETTER_IMAGE = "upload_letter_image.graphql";
    LETTER_TEMPLATE_DIFF = "letter_template_diff.graphql";
    PREVIEW_LETTER_TEMPLATE = "preview_letter_template.graphql";
    EXPORT_BUNDLE = "export_bundle.graphql";
    BUNDLE_KEY = "bundle_key.graphql";
    PLAN_BUNDLE_IMPORT = "plan_bundle_import.graphql";
    IMPORT_BUNDLE = "import_bundle.graphql";
    APPLY_MOVE = "apply_move.graphql";
    CREATE_USER = "create_user.graphql";
    DISABLE_USER = "disable_user.graphql";
    ENABLE_USER = "enable_user.graphql";
    RESET_PASSWORD = "reset_password.graphql";
    SET_USER_ROLES = "set_user_roles.graphql";
    CREATE_API_KEY = "create_api_key.graphql";
    REVOKE_API_KEY = "revoke_api_key.graphql";
    ACT = "act.graphql";
    RESEND = "resend.graphql";
    LETTER_PREVIEW = "letter_preview.graphql";
    EXPORTS = "exports.graphql";
    EXPORT = "export.graphql";
    EVENTS = "events.graphql";
    TRACK = "track.graphql";
    SUBMIT_SURVEY = "submit_survey.graphql";
    TRACK_QUESTIONS = "survey_questions.graphql";
    COMPLAINT_OFFICES = "complaint_offices.graphql";
    COMPLAINT_OFFICE_PROVINCE = "complaint_office_province.graphql";
    SUBMIT_COMPLAINT = "submit_complaint.graphql";
    TRACK_COMPLAINT = "track_complaint.graphql";
    COMPLAINTS = "complaints.graphql";
    COMPLAINT = "complaint.graphql";
    RECORD_COMPLAINT = "record_complaint.graphql";
    COMPLAINT_STEP = "complaint_step.graphql";
    COMPLAINTS_EXPORT = "complaints_export.graphql";
    DASHBOARD = "dashboard.graphql";
    DASHBOARD_REPORT = "dashboard_report.graphql";
    OFFICE_ZONES = "office_zones.graphql";
}
