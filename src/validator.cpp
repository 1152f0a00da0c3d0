// The run-time validator's out-of-line half, compiled once into lockorder::lockorder
// (LOCKORDER_SEPARATE_VALIDATOR=1 for its users). See include/lockorder/validator.ipp.
#include <lockorder/validator.ipp>
