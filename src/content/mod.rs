//! Reading a book's `content/` folder: which files exist, in which order, parsed into the
//! raw on-disk structs with spans. Meaning (ids, references, conditions) is `resolve`'s job.

mod load;
pub mod raw;

pub use load::{
    parse_procedures, read_content, read_content_with, Loaded, LoadedChapter, LoadedItem,
    LoadedProcedure, Problems, ReusableSteps,
};
pub(crate) use load::{read_plain, read_source};
pub use load::{ReadAhead, ReadOne};
