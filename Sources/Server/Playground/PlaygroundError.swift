/// A playground body that cannot be run, naming the field at fault for the form.
enum PlaygroundError: Error, Equatable {
    case invalid(field: String?, String)

    var field: String? {
        switch self {
        case .invalid(let field, _): field
        }
    }

    var message: String {
        switch self {
        case .invalid(_, let message): message
        }
    }
}
